// Errors in the Anthropic Messages API's shape and statuses, for the /v1/messages endpoints:
// {"type":"error","error":{"type":…,"message":…}}. The gateway's errors carry a status and an
// OpenAI type; the Anthropic type follows from the status as Anthropic's table pairs them, and an
// overloaded gateway or backend (503) is Anthropic's 529 `overloaded_error`, which the Anthropic
// SDKs and Claude Code retry.
// Reference: https://docs.claude.com/en/api/errors (HTTP errors, error shapes, errors in streams).

export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'billing_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'timeout_error'
  | 'overloaded_error'

export interface AnthropicErrorBody {
  type: 'error'
  error: { type: AnthropicErrorType; message: string }
}

export interface AnthropicError {
  status: number
  body: AnthropicErrorBody
}

const byStatus: Readonly<Record<number, AnthropicErrorType>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  408: 'timeout_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  502: 'api_error',
  503: 'overloaded_error',
  504: 'timeout_error',
  529: 'overloaded_error',
}

/** The Anthropic error for a gateway status and message. */
export function anthropicError(status: number, message: string): AnthropicError {
  const type = byStatus[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error')
  return {
    status: type === 'overloaded_error' ? 529 : status,
    body: { type: 'error', error: { type, message } },
  }
}
