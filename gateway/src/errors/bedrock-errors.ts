// Bedrock Runtime exceptions → GatewayError with OpenAI's shape and a faithful status.
// References: botocore bedrock-runtime model httpStatusCode traits and aws-sdk-js-v3
// `loadRestJsonErrorCode` (docs/reference/bedrock-runtime.md, "Errors"), and the stream exception
// members in camelCase ("Stream events" there; docs/reference/event-stream.md). Other gateways map
// every unknown exception to 500 or drop mid-stream exceptions; each one here keeps its meaning.
//
// | Bedrock exception                | HTTP | type                  | code                   |
// |----------------------------------|------|-----------------------|------------------------|
// | ThrottlingException              | 429  | rate_limit_error      | rate_limit_exceeded    |
// | ModelNotReadyException           | 429  | rate_limit_error      | model_not_ready (+ Retry-After) |
// | ServiceQuotaExceededException    | 429  | rate_limit_error      | insufficient_quota     |
// | ValidationException              | 400  | invalid_request_error | invalid_request        |
// | AccessDeniedException            | 403  | permission_error      | permission_denied      |
// | ResourceNotFoundException        | 404  | not_found_error       | model_not_found        |
// | ModelTimeoutException            | 408  | timeout_error         | model_timeout          |
// | ModelErrorException (424)        | 502  | api_error             | model_error            |
// | ModelStreamErrorException (424)  | 502  | api_error             | model_error            |
// | InternalServerException          | 500  | server_error          | internal_error         |
// | ServiceUnavailableException      | 503  | api_error             | service_unavailable    |
// | AWS auth failures (Unrecognized- | 502  | api_error             | upstream_authentication_failed |
// |   Client, InvalidSignature, …)   |      |                       |                        |
// | anything else                    | upstream status, type from the status class            |
//
// ServiceQuotaExceeded is a 400 on the Bedrock wire, but the request is fine: an account quota is
// spent. OpenAI reports exactly that as 429 `insufficient_quota`, and a 400 would tell the client
// to change its request. 424 means "the model failed", which OpenAI clients know as a bad gateway.
// Gateway credential failures are ours, not the client's: a 401/403 would blame its API key.
// The same failures from Mantle get the same answers (mantle-errors.ts).
//
// Verdicts (gateway-error.ts UpstreamVerdict): a timeout (ModelTimeoutException) and the 5xx
// exceptions say the backend did not serve (`unavailable`, counted by its circuit breaker);
// everything else is an answer (`refused`): throttling and quotas are capacity, not health, and a
// validation or model error is about this request.
import { GatewayError, type OpenAIErrorType, type UpstreamVerdict } from './gateway-error.ts'
import { type ErrorName, gatewayError, passedThroughError } from './catalogue.ts'

interface Mapping {
  /** The catalogue entry: status, type and code. */
  error: ErrorName
  retryAfterSeconds?: number
  fallback: string
  upstream?: UpstreamVerdict
}

// A model being loaded (imported/custom models) typically needs tens of seconds.
const modelNotReadyRetrySeconds = 10

const mappings: Readonly<Record<string, Mapping>> = {
  ThrottlingException: {
    error: 'upstream_throttled',
    fallback: 'Rate limit reached. Please retry after a short wait.',
  },
  ModelNotReadyException: {
    error: 'model_not_ready',
    retryAfterSeconds: modelNotReadyRetrySeconds,
    fallback: 'The model is not ready to serve requests yet. Please retry shortly.',
  },
  ServiceQuotaExceededException: {
    error: 'upstream_quota_exceeded',
    fallback: 'You exceeded your current quota.',
  },
  ValidationException: {
    error: 'invalid_request',
    fallback: 'The request is invalid for this model.',
  },
  AccessDeniedException: {
    error: 'permission_denied',
    fallback: 'The gateway is not permitted to use this model.',
  },
  ResourceNotFoundException: {
    error: 'upstream_model_not_found',
    fallback: 'The model does not exist or is not available in this region.',
  },
  ModelTimeoutException: {
    error: 'model_timeout',
    fallback: 'The model took too long to respond.',
    upstream: 'unavailable',
  },
  ModelErrorException: {
    error: 'model_error',
    fallback: 'The model failed to process the request.',
  },
  ModelStreamErrorException: {
    error: 'model_error',
    fallback: 'The model failed while streaming the response.',
  },
  InternalServerException: {
    error: 'internal_error',
    fallback: 'The model provider had an internal error.',
    upstream: 'unavailable',
  },
  ServiceUnavailableException: {
    error: 'service_unavailable',
    fallback: 'The model provider is temporarily unavailable.',
    upstream: 'unavailable',
  },
}

const upstreamAuthFailures = new Set([
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'IncompleteSignatureException',
  'ExpiredTokenException',
  'MissingAuthenticationTokenException',
  'InvalidClientTokenId',
  'UnauthorizedException',
])

/**
 * errorNameOf applies the SDK's rules to an `x-amzn-ErrorType` value or a body `code`/`__type`:
 * cut at the first `:` or `,`, and after a `#` keep only the tail.
 * @example errorNameOf('ThrottlingException:http://internal.amazon.com/coral/') // 'ThrottlingException'
 */
export function errorNameOf(raw: string): string {
  let name = raw.trim()
  const cut = name.search(/[:,]/)
  if (cut >= 0) name = name.slice(0, cut)
  const hash = name.lastIndexOf('#')
  if (hash >= 0) name = name.slice(hash + 1)
  return name.trim()
}

/**
 * errorTypeOf finds the exception name of an error answer where the AWS SDK looks, in its order:
 * the `x-amzn-ErrorType` header, then the body's `code` (its key in any case), then `__type`.
 * Reference: aws-sdk-js-v3 `loadRestJsonErrorCode` (docs/reference/bedrock-runtime.md, "Errors").
 */
export function errorTypeOf(header: string | undefined, body: unknown): string | undefined {
  if (header !== undefined && header.trim() !== '') return header
  if (typeof body !== 'object' || body === null) return undefined
  const fields = body as Record<string, unknown>
  const codeKey = Object.keys(fields).find((key) => key.toLowerCase() === 'code')
  const code = codeKey === undefined ? undefined : fields[codeKey]
  if (typeof code === 'string') return code
  const type = fields['__type']
  return typeof type === 'string' ? type : undefined
}

/** streamExceptionName turns a camelCase stream member (`throttlingException`) into the shape name. */
export function streamExceptionName(member: string): string {
  return member.charAt(0).toUpperCase() + member.slice(1)
}

/**
 * redactUpstreamMessage strips what must not reach clients from an upstream message: caller
 * principals, account ids, access key ids and bearer keys. Messages are otherwise kept, because
 * Bedrock's validation messages tell the client what to fix.
 */
export function redactUpstreamMessage(message: string): string {
  return message
    .replace(/arn:aws[\w-]*:(?:sts|iam)::\d{12}:[^\s"',;]+/g, '<principal>')
    .replace(/(arn:aws[\w-]*:[\w-]+:[\w-]*:)\d{12}(?=:)/g, '$1<account>')
    .replace(/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, '<access-key>')
    .replace(/\bbedrock-api-key-[A-Za-z0-9+/=_-]+/g, '<api-key>')
    .replace(/\bABSK[A-Za-z0-9+/=]{8,}/g, '<api-key>')
    .slice(0, 2000)
}

function typeForStatus(status: number): OpenAIErrorType {
  if (status === 401) return 'authentication_error'
  if (status === 403) return 'permission_error'
  if (status === 404) return 'not_found_error'
  if (status === 408) return 'timeout_error'
  if (status === 429) return 'rate_limit_error'
  if (status === 500) return 'server_error'
  if (status >= 500) return 'api_error'
  return 'invalid_request_error'
}

export interface BedrockFailure {
  /** The exception shape name, e.g. `ThrottlingException`; undefined when upstream gave none. */
  name: string | undefined
  message: string | undefined
  /** The HTTP status upstream sent; stream exceptions have none (they arrive after a 200). */
  status?: number
  /** A `Retry-After` header in seconds, when upstream sent one; it wins over the table's hint. */
  retryAfterSeconds?: number
}

/** bedrockError maps one upstream failure to the GatewayError a client sees. */
export function bedrockError(failure: BedrockFailure): GatewayError {
  const name = failure.name === undefined ? undefined : errorNameOf(failure.name)
  const upstreamMessage =
    failure.message === undefined ? undefined : redactUpstreamMessage(failure.message)
  const base = name === undefined ? {} : { upstreamType: name }
  if (name !== undefined && upstreamAuthFailures.has(name)) {
    return gatewayError(
      'upstream_authentication_failed',
      'The gateway could not authenticate to the model provider.',
      { ...base, upstream: 'refused' },
    )
  }
  const mapping = name === undefined ? undefined : mappings[name]
  if (mapping !== undefined) {
    const retryAfter = failure.retryAfterSeconds ?? mapping.retryAfterSeconds
    const known = { ...base, upstream: mapping.upstream ?? 'refused' }
    const options = retryAfter === undefined ? known : { ...known, retryAfterSeconds: retryAfter }
    return gatewayError(mapping.error, upstreamMessage ?? mapping.fallback, options)
  }
  const status =
    failure.status !== undefined && failure.status >= 400 && failure.status <= 599
      ? failure.status
      : 502
  return passedThroughError(
    'upstream_error',
    status,
    typeForStatus(status),
    upstreamMessage ??
      `The model provider returned an error${name === undefined ? '' : ` (${name})`}.`,
    { ...base, upstream: status >= 500 ? 'unavailable' : 'refused' },
  )
}
