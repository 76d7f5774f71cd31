// The cancellation of one upstream call. It is aborted when the client goes away, when the route's
// timeout passes, or when the response stream is cancelled; the backend sees a single signal.
import { GatewayError } from '../errors/gateway-error.ts'

export interface UpstreamCall {
  readonly signal: AbortSignal
  abort(reason?: unknown): void
  /** Drops the timer and the client listener once the call is over. */
  release(): void
  /** Stops the timeout, e.g. once a stream has started: the limit bounds the wait, not the answer. */
  clearTimeout(): void
  /** Rewrites an error from the backend as what actually happened to the call. */
  explain(error: unknown): unknown
}

/** Nobody reads this answer; the distinct status keeps client aborts apart in metrics and logs. */
export function clientClosed(cause: unknown): GatewayError {
  return new GatewayError(499, 'invalid_request_error', 'The client closed the request.', {
    code: 'client_closed_request',
    cause,
  })
}

export function startUpstreamCall(clientSignal: AbortSignal, timeoutMs?: number): UpstreamCall {
  const controller = new AbortController()
  let timedOut = false
  const onClientGone = (): void => {
    controller.abort(clientSignal.reason)
  }
  if (clientSignal.aborted) onClientGone()
  else clientSignal.addEventListener('abort', onClientGone, { once: true })
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true
          controller.abort(new Error(`upstream timeout after ${timeoutMs} ms`))
        }, timeoutMs)
  const release = (): void => {
    clearTimeout(timer)
    clientSignal.removeEventListener('abort', onClientGone)
  }
  controller.signal.addEventListener('abort', release)
  return {
    signal: controller.signal,
    abort: (reason) => {
      controller.abort(reason)
    },
    release,
    clearTimeout: () => {
      clearTimeout(timer)
    },
    explain(error) {
      if (timedOut) {
        return new GatewayError(
          504,
          'timeout_error',
          `The model did not answer within ${timeoutMs ?? 0} ms.`,
          {
            code: 'upstream_timeout',
            upstream: 'unavailable',
            cause: error,
          },
        )
      }
      if (clientSignal.aborted) return clientClosed(error)
      return error
    },
  }
}
