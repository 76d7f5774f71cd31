// Every error the gateway answers with, by name: the `code` a client sees, the HTTP status and
// OpenAI's `type`. Constructing a GatewayError anywhere else is refused by lint, so this file is
// the whole vocabulary; docs/error-codes.md is generated from it (errors/error-codes-doc.ts) and
// `make check` fails when the two differ.
// The shapes follow OpenAI's (https://platform.openai.com/docs/guides/error-codes): the OpenAI
// SDKs key on status and `code`, so a failure keeps one name on every backend.
import { GatewayError, type GatewayErrorOptions, type OpenAIErrorType } from './gateway-error.ts'

export interface CatalogueEntry {
  /** What the client reads in `error.code`; null where OpenAI itself sends none. */
  code: string | null
  status: number
  type: OpenAIErrorType
  /** When it happens, for docs/error-codes.md. */
  when: string
}

const invalid = (code: string | null, when: string, status = 400): CatalogueEntry => ({
  code,
  status,
  type: 'invalid_request_error',
  when,
})
const unavailable = (code: string, when: string): CatalogueEntry => ({
  code,
  status: 503,
  type: 'server_error',
  when,
})
const timeout = (code: string, when: string): CatalogueEntry => ({
  code,
  status: 504,
  type: 'timeout_error',
  when,
})
const badGateway = (code: string, when: string): CatalogueEntry => ({
  code,
  status: 502,
  type: 'api_error',
  when,
})

export const errorCatalogue = {
  // The client's request.
  invalid_request: invalid(
    'invalid_request',
    'The request cannot be served as sent; the message says why.',
  ),
  invalid_value: invalid(
    'invalid_value',
    'A parameter has a value the gateway or the model does not accept.',
  ),
  invalid_type: invalid('invalid_type', 'A parameter has the wrong JSON type.'),
  unknown_parameter: invalid(
    'unknown_parameter',
    'The body names a parameter the API does not have.',
  ),
  missing_required_parameter: invalid(
    'missing_required_parameter',
    'A required parameter is missing.',
  ),
  unsupported_parameter: invalid(
    'unsupported_parameter',
    'A parameter the backend cannot honour, refused (a strict route, or one Converse has no equivalent for).',
  ),
  unsupported_value: invalid(
    'unsupported_value',
    'A value the model cannot honour, e.g. a reasoning effort its family has no switch for.',
  ),
  invalid_image_url: invalid('invalid_image_url', 'An image URL or data URL that cannot be read.'),
  invalid_image_format: invalid(
    'invalid_image_format',
    'An image in a format Bedrock does not take.',
  ),
  image_url_not_supported: invalid(
    'image_url_not_supported',
    'A remote image URL while remote images are off.',
  ),
  nesting_too_deep: invalid('nesting_too_deep', 'JSON nested deeper than the gateway reads.'),
  invalid_json: invalid(null, 'The body is not valid JSON.'),
  request_too_large: invalid('request_too_large', 'The body is larger than --max-body-bytes.', 413),
  content_filter: invalid('content_filter', "The route's guardrail blocked the request."),
  unsupported_with_guardrail: invalid(
    'unsupported_with_guardrail',
    "An API that cannot apply the route's guardrail on its backend.",
  ),
  unsupported_model: invalid(
    'unsupported_model',
    'The Messages API on a route none of whose backends is Claude (it serves Claude only).',
  ),
  missing_anthropic_version: invalid(
    'missing_anthropic_version',
    'A Messages API request without the `anthropic-version` header.',
  ),
  invalid_anthropic_version: invalid(
    'invalid_anthropic_version',
    'An `anthropic-version` the gateway does not speak.',
  ),
  project_required: invalid(
    'project_required',
    'A ServiceAccount that may use several projects named none.',
  ),
  // Who is calling.
  missing_api_key: invalid(null, 'No bearer key in Authorization.', 401),
  invalid_api_key: invalid(
    'invalid_api_key',
    'An unknown, expired or refused key or ServiceAccount token.',
    401,
  ),
  service_account_not_allowed: invalid(
    'service_account_not_allowed',
    'A ServiceAccount no project admits.',
    401,
  ),
  mismatched_project: invalid(
    'mismatched_project',
    'A ServiceAccount naming a project it may not use.',
    401,
  ),
  model_not_found: invalid('model_not_found', "The alias is not in the caller's project.", 404),
  unknown_url: invalid(null, 'No such path or method.', 404),
  client_closed_request: invalid(
    'client_closed_request',
    'The client went away before the answer (logged and counted; nobody reads it).',
    499,
  ),
  // Limits (docs/limits.md): the type names what ran out, as api.openai.com does.
  rate_limit_requests: {
    code: 'rate_limit_exceeded',
    status: 429,
    type: 'requests',
    when: 'A route or project request rate limit is spent.',
  },
  rate_limit_tokens: {
    code: 'rate_limit_exceeded',
    status: 429,
    type: 'tokens',
    when: 'A route or project token rate limit is spent.',
  },
  insufficient_quota: {
    code: 'insufficient_quota',
    status: 429,
    type: 'insufficient_quota',
    when: "A project's cost budget for the period is spent.",
  },
  rate_limiter_unavailable: unavailable(
    'rate_limiter_unavailable',
    'The shared limit store is unreachable on a route that fails closed.',
  ),
  // The gateway itself.
  overloaded: unavailable(
    'overloaded',
    'More requests in flight than --max-in-flight, or than the event loop delay allows (--shed-loop-delay-ms).',
  ),
  routing_table_unavailable: unavailable(
    'routing_table_unavailable',
    'No valid routing table is loaded yet.',
  ),
  shutting_down: unavailable('shutting_down', 'The process is draining (readiness only).'),
  token_review_unavailable: unavailable(
    'token_review_unavailable',
    'The Kubernetes TokenReview could not be asked.',
  ),
  no_backend_available: unavailable(
    'no_backend_available',
    'No backend of the route takes traffic (all weights 0).',
  ),
  backend_unavailable: unavailable(
    'backend_unavailable',
    "This gateway serves the API on none of the route's backend kinds.",
  ),
  circuit_open: unavailable('circuit_open', "Every backend's circuit is open."),
  internal_error: {
    code: 'internal_error',
    status: 500,
    type: 'server_error',
    when: "A bug in the gateway, or Bedrock's InternalServerException.",
  },
  // Deadlines (docs/resilience.md).
  request_timeout: timeout('request_timeout', "The route's total deadline passed."),
  upstream_timeout: timeout(
    'upstream_timeout',
    'The model did not answer (or send a first token) in time.',
  ),
  stream_idle_timeout: timeout('stream_idle_timeout', 'A started stream stayed silent too long.'),
  connect_timeout: timeout('connect_timeout', 'No connection to Bedrock in time.'),
  // The model provider.
  upstream_connection_error: badGateway(
    'upstream_connection_error',
    'The connection to Bedrock failed.',
  ),
  upstream_invalid_response: badGateway(
    'upstream_invalid_response',
    'Bedrock answered with something the gateway cannot use.',
  ),
  upstream_stream_corrupted: badGateway(
    'upstream_stream_corrupted',
    'An event-stream frame failed its checks.',
  ),
  upstream_stream_incomplete: badGateway(
    'upstream_stream_incomplete',
    'A stream ended before its end event, on any backend.',
  ),
  upstream_authentication_failed: badGateway(
    'upstream_authentication_failed',
    "Bedrock refused the gateway's credentials.",
  ),
  model_error: badGateway(
    'model_error',
    'The model failed on the request (ModelErrorException, a Mantle model error).',
  ),
  invalid_model_output: {
    code: 'invalid_model_output',
    status: 500,
    type: 'server_error',
    when: 'The model produced content Bedrock flags as malformed.',
  },
  upstream_throttled: {
    code: 'rate_limit_exceeded',
    status: 429,
    type: 'rate_limit_error',
    when: 'Bedrock throttled the call (ThrottlingException).',
  },
  model_not_ready: {
    code: 'model_not_ready',
    status: 429,
    type: 'rate_limit_error',
    when: 'The model is not ready yet (ModelNotReadyException).',
  },
  upstream_quota_exceeded: {
    code: 'insufficient_quota',
    status: 429,
    type: 'rate_limit_error',
    when: 'A Bedrock service quota is spent.',
  },
  permission_denied: {
    code: 'permission_denied',
    status: 403,
    type: 'permission_error',
    when: 'Bedrock denied the gateway this model (AccessDeniedException).',
  },
  guardrail_not_found: {
    code: 'guardrail_not_found',
    status: 500,
    type: 'server_error',
    when: "The route's guardrail or its version does not exist in its region (ApplyGuardrail's ResourceNotFoundException): the gateway's configuration, not the request.",
  },
  upstream_model_not_found: {
    code: 'model_not_found',
    status: 404,
    type: 'not_found_error',
    when: "The route's model id does not exist in its region (ResourceNotFoundException).",
  },
  model_timeout: {
    code: 'model_timeout',
    status: 408,
    type: 'timeout_error',
    when: 'The model took too long (ModelTimeoutException).',
  },
  service_unavailable: {
    code: 'service_unavailable',
    status: 503,
    type: 'api_error',
    when: 'Bedrock is unavailable (ServiceUnavailableException).',
  },
} as const satisfies Record<string, CatalogueEntry>

export type ErrorName = keyof typeof errorCatalogue

/** Codes of the 400 `invalid_request_error` family, the ones translators may raise. */
export type InvalidRequestName =
  | 'invalid_request'
  | 'invalid_value'
  | 'invalid_type'
  | 'unknown_parameter'
  | 'missing_required_parameter'
  | 'unsupported_parameter'
  | 'unsupported_value'
  | 'invalid_image_url'
  | 'invalid_image_format'
  | 'image_url_not_supported'
  | 'nesting_too_deep'

/** Failures whose status is not the gateway's to choose: it comes from HTTP or the provider. */
export const passedThroughErrors = {
  http_error: 'An HTTP error of the router (e.g. 405); no code, the type follows the status.',
  upstream_error: "A Bedrock error with no entry above: Bedrock's status, code `upstream_error`.",
  provider_error:
    "A Mantle error, or an error event inside a Claude stream: the provider's own status, type and code, passed through as sent.",
} as const

/** The error named `name`, with its catalogue status, type and code. */
export function gatewayError(
  name: ErrorName,
  message: string,
  options: Omit<GatewayErrorOptions, 'code'> = {},
): GatewayError {
  const entry: CatalogueEntry = errorCatalogue[name]
  return new GatewayError(entry.status, entry.type, message, {
    ...options,
    ...(entry.code === null ? {} : { code: entry.code }),
  })
}

/** A client-side mistake that names the offending parameter. */
export function invalidRequest(
  message: string,
  param?: string,
  name: InvalidRequestName = 'invalid_request',
): GatewayError {
  return gatewayError(name, message, param === undefined ? {} : { param })
}

/** Anything that is not a GatewayError becomes an opaque 500; the cause is kept for logs only. */
export function asGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error
  return gatewayError('internal_error', 'The gateway failed to process the request.', {
    cause: error,
  })
}

/** The model provider answered, but with something the gateway cannot use. */
export function invalidResponse(message: string, cause?: unknown): GatewayError {
  return gatewayError('upstream_invalid_response', message, { upstream: 'refused', cause })
}

/** A stream that ended before its end event: the same code on every backend and API. */
export function streamIncomplete(message: string): GatewayError {
  return gatewayError('upstream_stream_incomplete', message, { upstream: 'unavailable' })
}

/** Nobody reads this answer; the distinct status keeps client aborts apart in metrics and logs. */
export function clientClosed(cause: unknown): GatewayError {
  return gatewayError('client_closed_request', 'The client closed the request.', { cause })
}

/** The alias is not one of the caller's project. */
export function modelNotFound(alias: string, param?: string): GatewayError {
  return gatewayError(
    'model_not_found',
    `The model \`${alias}\` does not exist or you do not have access to it.`,
    param === undefined ? {} : { param },
  )
}

/** No routing table yet: the gateway cannot tell a key from a stranger. */
export function noRoutingTable(): GatewayError {
  return gatewayError(
    'routing_table_unavailable',
    'The gateway has no valid routing table loaded yet.',
    { retryAfterSeconds: 1 },
  )
}

/** An error whose status is not the catalogue's: see passedThroughErrors. */
export function passedThroughError(
  name: keyof typeof passedThroughErrors,
  status: number,
  type: OpenAIErrorType,
  message: string,
  options: GatewayErrorOptions = {},
): GatewayError {
  const { code, ...rest } = options
  const fixed = name === 'upstream_error' ? { code: 'upstream_error' } : {}
  return new GatewayError(status, type, message, {
    ...rest,
    ...(name === 'provider_error' && code !== undefined ? { code } : fixed),
  })
}
