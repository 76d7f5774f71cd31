// The one error type the gateway throws and renders; errors/catalogue.ts names every one of them. Every error a client sees, before or during a
// stream, has OpenAI's shape: {"error":{"message","type","param","code"}} with a faithful status.
// Reference: https://platform.openai.com/docs/guides/error-codes (shapes) and
// the OpenAI SDKs' error classes, which key on status and `code` (other gateways answer 500 for
// any upstream failure or a non-OpenAI body, which breaks SDK retry logic).

export type OpenAIErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'timeout_error'
  | 'api_error'
  | 'server_error'
  // api.openai.com names the exhausted rate limit in `type` (code rate_limit_exceeded), and an
  // exhausted quota is its own type (code insufficient_quota).
  | 'requests'
  | 'tokens'
  | 'insufficient_quota'

export interface OpenAIErrorBody {
  error: { message: string; type: OpenAIErrorType; param: string | null; code: string | null }
}

/**
 * What a failure says about the backend that produced it (docs/resilience.md, "What counts against
 * a backend"). `unavailable`: it did not serve: no connection, a timeout, a server error (5xx).
 * Only this counts against its circuit breaker. `refused`: it answered, with throttling, a spent
 * quota, an error about this request or a body the gateway cannot use. An error without a verdict
 * is the gateway's own (a refusal of the client's request, or a bug): it never counts against a
 * backend and is never retried on another one.
 */
export type UpstreamVerdict = 'unavailable' | 'refused'

export interface GatewayErrorOptions {
  param?: string
  code?: string
  /** Seconds a client should wait, sent as `Retry-After` when set. */
  retryAfterSeconds?: number
  /** The upstream exception name, e.g. `ThrottlingException`, for metrics and logs. */
  upstreamType?: string
  /** Set when the failure came from a backend; see UpstreamVerdict. */
  upstream?: UpstreamVerdict
  cause?: unknown
}

export class GatewayError extends Error {
  readonly status: number
  readonly type: OpenAIErrorType
  readonly param: string | undefined
  readonly code: string | undefined
  readonly retryAfterSeconds: number | undefined
  readonly upstreamType: string | undefined
  readonly upstream: UpstreamVerdict | undefined

  constructor(
    status: number,
    type: OpenAIErrorType,
    message: string,
    options: GatewayErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'GatewayError'
    this.status = status
    this.type = type
    this.param = options.param
    this.code = options.code
    this.retryAfterSeconds = options.retryAfterSeconds
    this.upstreamType = options.upstreamType
    this.upstream = options.upstream
  }

  /** The same error with other options, e.g. a Retry-After hint or another verdict. */
  with(options: GatewayErrorOptions): GatewayError {
    return new GatewayError(this.status, this.type, this.message, {
      ...(this.param === undefined ? {} : { param: this.param }),
      ...(this.code === undefined ? {} : { code: this.code }),
      ...(this.retryAfterSeconds === undefined
        ? {}
        : { retryAfterSeconds: this.retryAfterSeconds }),
      ...(this.upstreamType === undefined ? {} : { upstreamType: this.upstreamType }),
      ...(this.upstream === undefined ? {} : { upstream: this.upstream }),
      ...(this.cause === undefined ? {} : { cause: this.cause }),
      ...options,
    })
  }

  /**
   * The same failure told about another parameter, e.g. a translator's error renamed to the
   * client's API; the original stays as the cause.
   */
  retold(message: string, param: string): GatewayError {
    return new GatewayError(this.status, this.type, message, {
      param,
      ...(this.code === undefined ? {} : { code: this.code }),
      cause: this,
    })
  }

  toBody(): OpenAIErrorBody {
    return {
      error: {
        message: this.message,
        type: this.type,
        param: this.param ?? null,
        code: this.code ?? null,
      },
    }
  }
}

/** What was thrown, as an Error: anything else (a string, a plain object) is wrapped. */
export const asError = (error: unknown): Error =>
  error instanceof Error ? error : new Error(String(error))
