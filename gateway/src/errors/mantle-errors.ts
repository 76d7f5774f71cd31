// Mantle's errors → GatewayError. Mantle already speaks OpenAI's error shape
// (`{"error":{"message","type","param","code"}}` with a matching status, docs/reference/mantle.md),
// so pass-through keeps status, type, code, message and param. Exceptions:
// - 401 is the gateway's own credential failing (the client's key was checked by us), so it is a
//   502 `upstream_authentication_failed`, as for Converse (bedrock-errors.ts): a 401 would blame the
//   client's key.
// - A type outside OpenAI's list (Mantle is free to invent one) becomes the type of its status.
// - A body that is not OpenAI-shaped (a proxy's HTML page) keeps the status with a plain message.
// - A model failure (424, or the codes `model_error` / `model_stream_error`) is a 502 api_error
//   `model_error`, the answer the same failure gets on Converse (bedrock-errors.ts): one taxonomy
//   whichever API served.
// - A mid-stream `data: {"error":…}` carries no status; the type decides one for logs and metrics.
// Verdicts: a 408 or 5xx (a server_error or timeout_error event mid-stream) says Mantle did not
// serve (`unavailable`); every other status is an answer (`refused`).
import { GatewayError, type OpenAIErrorType, type UpstreamVerdict } from './gateway-error.ts'
import { gatewayError, passedThroughError } from './catalogue.ts'
import { retryAfterSeconds } from './retry-after.ts'

const openAIErrorTypes: ReadonlySet<string> = new Set<OpenAIErrorType>([
  'invalid_request_error',
  'authentication_error',
  'permission_error',
  'not_found_error',
  'rate_limit_error',
  'timeout_error',
  'api_error',
  'server_error',
])

const isOpenAIErrorType = (type: string): type is OpenAIErrorType => openAIErrorTypes.has(type)

function typeOfStatus(status: number): OpenAIErrorType {
  if (status === 401) return 'authentication_error'
  if (status === 403) return 'permission_error'
  if (status === 404) return 'not_found_error'
  if (status === 408) return 'timeout_error'
  if (status === 429) return 'rate_limit_error'
  if (status >= 500) return 'server_error'
  return status >= 400 ? 'invalid_request_error' : 'api_error'
}

const statusOfType: Readonly<Record<OpenAIErrorType, number>> = {
  invalid_request_error: 400,
  authentication_error: 502,
  permission_error: 403,
  not_found_error: 404,
  rate_limit_error: 429,
  timeout_error: 504,
  api_error: 502,
  server_error: 502,
  requests: 429,
  tokens: 429,
  insufficient_quota: 429,
}

interface ErrorFields {
  message?: string
  type?: string
  param?: string
  code?: string
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined

/** errorFields reads `{"error":{…}}`; undefined when the body has no such object. */
export function errorFields(body: unknown): ErrorFields | undefined {
  if (typeof body !== 'object' || body === null || !('error' in body)) return undefined
  const { error } = body
  if (typeof error !== 'object' || error === null) return undefined
  const fields = error as Record<string, unknown>
  const read: ErrorFields = {}
  for (const name of ['message', 'type', 'param', 'code'] as const) {
    const value = text(fields[name])
    if (value !== undefined) read[name] = value
  }
  return read
}

const modelFailureCodes = new Set(['model_error', 'model_stream_error'])

const verdictOf = (status: number): UpstreamVerdict =>
  status === 408 || status >= 500 ? 'unavailable' : 'refused'

function build(
  status: number,
  fields: ErrorFields,
  fallbackMessage: string,
  retryAfter?: number,
): GatewayError {
  const upstreamType = fields.code ?? fields.type
  const message = fields.message ?? fallbackMessage
  if (status === 424 || (fields.code !== undefined && modelFailureCodes.has(fields.code))) {
    return gatewayError('model_error', message, {
      upstream: 'refused',
      ...(upstreamType === undefined ? {} : { upstreamType }),
    })
  }
  const type =
    fields.type !== undefined && isOpenAIErrorType(fields.type) ? fields.type : typeOfStatus(status)
  return passedThroughError('provider_error', status, type, message, {
    upstream: verdictOf(status),
    ...(fields.param === undefined ? {} : { param: fields.param }),
    ...(fields.code === undefined ? {} : { code: fields.code }),
    ...(retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter }),
    ...(upstreamType === undefined ? {} : { upstreamType }),
  })
}

export interface MantleErrorResponse {
  status: number
  /** The parsed JSON body, or undefined when it was not JSON. */
  body: unknown
  retryAfter?: string | undefined
}

/** mantleError maps an error response of Mantle. */
export function mantleError(response: MantleErrorResponse): GatewayError {
  const fields = errorFields(response.body) ?? {}
  if (response.status === 401) {
    return gatewayError(
      'upstream_authentication_failed',
      'The gateway could not authenticate with the model provider.',
      { upstreamType: fields.code ?? 'unauthorized', upstream: 'refused' },
    )
  }
  return build(
    response.status,
    fields,
    `The model provider answered with HTTP ${response.status}.`,
    retryAfterSeconds(response.retryAfter),
  )
}

/** mantleStreamError maps the `error` object of a failure event inside a stream. */
export function mantleStreamError(body: unknown): GatewayError {
  const fields = errorFields(body) ?? {}
  const type =
    fields.type !== undefined && isOpenAIErrorType(fields.type) ? fields.type : 'api_error'
  return build(statusOfType[type], { ...fields, type }, 'The model failed during the answer.')
}
