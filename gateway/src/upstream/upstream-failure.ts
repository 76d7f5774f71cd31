// What a failed call to Bedrock looks like to the client when Bedrock never answered with an
// error of its own: the caller went away, a deadline passed, or the network failed.
// Reference: undici error codes (https://undici.nodejs.org/#/docs/api/Errors) and OpenAI's error
// shape (gateway/src/errors/gateway-error.ts).
import { GatewayError } from '../errors/gateway-error.ts'

const timeoutCodes = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' ? code : undefined
}

function isTimeoutReason(reason: unknown): boolean {
  return reason instanceof Error && reason.name === 'TimeoutError'
}

/**
 * upstreamFailure maps an exception raised while calling Bedrock or reading its body. An abort
 * keeps the reason the caller gave: a GatewayError passes through, a timeout becomes a 504, and a
 * client disconnect becomes a 499 that nobody reads but logs and metrics.
 */
export function upstreamFailure(error: unknown, signal: AbortSignal): GatewayError {
  if (error instanceof GatewayError) return error
  if (signal.aborted) {
    const reason: unknown = signal.reason
    if (reason instanceof GatewayError) return reason
    if (isTimeoutReason(reason)) {
      return new GatewayError(504, 'timeout_error', 'The request timed out.', {
        code: 'request_timeout',
        upstream: 'unavailable',
        cause: error,
      })
    }
    return new GatewayError(499, 'api_error', 'The client closed the request.', {
      code: 'client_closed_request',
      cause: error,
    })
  }
  const code = codeOf(error)
  if (code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new GatewayError(
      504,
      'timeout_error',
      'The gateway could not connect to the model provider in time.',
      { code: 'connect_timeout', upstream: 'unavailable', cause: error },
    )
  }
  if (code !== undefined && timeoutCodes.has(code)) {
    return new GatewayError(504, 'timeout_error', 'The model provider did not respond in time.', {
      code: 'upstream_timeout',
      upstream: 'unavailable',
      cause: error,
    })
  }
  return new GatewayError(502, 'api_error', 'The gateway could not reach the model provider.', {
    code: 'upstream_connection_error',
    upstream: 'unavailable',
    cause: error,
  })
}
