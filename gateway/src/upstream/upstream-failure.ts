// What a failed call to Bedrock looks like to the client when Bedrock never answered with an
// error of its own: the caller went away, a deadline passed, or the network failed.
// Reference: undici error codes (https://undici.nodejs.org/#/docs/api/Errors) and OpenAI's error
// shape (gateway/src/errors/gateway-error.ts).
import { GatewayError } from '../errors/gateway-error.ts'
import { clientClosed, gatewayError } from '../errors/catalogue.ts'

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
      return gatewayError('request_timeout', 'The request timed out.', {
        upstream: 'unavailable',
        cause: error,
      })
    }
    return clientClosed(error)
  }
  const code = codeOf(error)
  if (code === 'UND_ERR_CONNECT_TIMEOUT') {
    return gatewayError(
      'connect_timeout',
      'The gateway could not connect to the model provider in time.',
      { upstream: 'unavailable', cause: error },
    )
  }
  if (code !== undefined && timeoutCodes.has(code)) {
    return gatewayError('upstream_timeout', 'The model provider did not respond in time.', {
      upstream: 'unavailable',
      cause: error,
    })
  }
  return gatewayError(
    'upstream_connection_error',
    'The gateway could not reach the model provider.',
    {
      upstream: 'unavailable',
      cause: error,
    },
  )
}
