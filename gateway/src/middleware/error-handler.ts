// One place turns any error into OpenAI's error shape with a faithful status. Server-side failures
// are logged with their cause; the client sees only the GatewayError message, never a stack, a key
// or an upstream body.
import type { Context, ErrorHandler, NotFoundHandler } from 'hono'
import type { GatewayEnv } from '../gateway-env.ts'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { errorFields, type Logger } from '../app-logger.ts'
import { GatewayError } from '../errors/gateway-error.ts'
import type { OpenRecord } from '../observe/request-record.ts'
import { asGatewayError, gatewayError, passedThroughError } from '../errors/catalogue.ts'

export interface ErrorHandlerOptions {
  logger: Logger
}

/** Hono raises HTTPException for its own protocol errors; keep their status, drop their text. */
function fromHttpException(error: HTTPException): GatewayError {
  const type = error.status >= 500 ? 'server_error' : 'invalid_request_error'
  return passedThroughError(
    'http_error',
    error.status,
    type,
    `The request failed with HTTP status ${error.status}.`,
    { cause: error },
  )
}

export function errorResponse(c: Context, error: GatewayError): Response {
  if (error.retryAfterSeconds !== undefined)
    c.header('Retry-After', String(error.retryAfterSeconds))
  return c.json(error.toBody(), error.status as ContentfulStatusCode)
}

export function errorHandler(options: ErrorHandlerOptions): ErrorHandler<GatewayEnv> {
  return function renderError(error, c) {
    const gatewayError =
      error instanceof HTTPException ? fromHttpException(error) : asGatewayError(error)
    // Unset outside /v1/*, where no record is opened.
    const record = c.get('record') as OpenRecord | undefined
    if (record !== undefined) record.record.error = gatewayError
    if (gatewayError.status >= 500) {
      options.logger.error('request failed', {
        method: c.req.method,
        path: c.req.path,
        status: gatewayError.status,
        upstreamType: gatewayError.upstreamType,
        ...errorFields(gatewayError.cause ?? gatewayError),
      })
    }
    return errorResponse(c, gatewayError)
  }
}

/** OpenAI answers an unknown path with 404 and `Invalid URL (METHOD /path)`. */
export function notFound(): NotFoundHandler {
  return function renderNotFound(c) {
    return errorResponse(
      c,
      gatewayError('unknown_url', `Invalid URL (${c.req.method} ${c.req.path})`),
    )
  }
}
