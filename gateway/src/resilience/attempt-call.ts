// The cancellation of one upstream attempt, with the route's deadlines. The attempt is aborted
// when the client goes away, when the request's total deadline passes, when the first token is
// late, or when a started stream stays silent too long. Each deadline aborts with the GatewayError
// the client should see, so whatever the backend throws on abort is explained as that error.
// Implements resilience/upstream-call.ts's UpstreamCall, which sse-response.ts drives.
import { GatewayError } from '../errors/gateway-error.ts'
import { type UpstreamCall } from './upstream-call.ts'
import type { Timeouts } from './route-resilience-defaults.ts'
import { clientClosed, gatewayError } from '../errors/catalogue.ts'

export interface AttemptCall extends UpstreamCall {
  /** The gateway waits on the stream again: the idle deadline starts afresh. */
  touch(): void
  /** The gateway is not waiting on the stream (the client is reading): no idle deadline. */
  hold(): void
}

export const firstTokenTimeout = (ms: number): GatewayError =>
  gatewayError('upstream_timeout', `The model did not answer within ${ms} ms.`, {
    upstream: 'unavailable',
  })

export const idleTimeout = (ms: number): GatewayError =>
  gatewayError('stream_idle_timeout', `The model stream stayed silent for more than ${ms} ms.`, {
    upstream: 'unavailable',
  })

/**
 * The request's own deadline. It says nothing about a backend by itself (the time may have gone
 * to a Retry-After pause, or to a slow client reading a stream); an attempt that was waiting on
 * the model when it passed makes it an `unavailable` verdict (startAttemptCall).
 */
export const totalTimeout = (ms: number): GatewayError =>
  gatewayError('request_timeout', `The request did not complete within ${ms} ms.`)

/** The request's end-to-end deadline, shared by all its attempts. */
export interface RequestDeadline {
  readonly signal: AbortSignal
  remainingMs(): number
  release(): void
}

export function startDeadline(totalMs: number, now: () => number): RequestDeadline {
  const controller = new AbortController()
  const endsAt = now() + totalMs
  const timer = setTimeout(() => {
    controller.abort(totalTimeout(totalMs))
  }, totalMs)
  return {
    signal: controller.signal,
    remainingMs: () => Math.max(0, endsAt - now()),
    release: () => {
      clearTimeout(timer)
    },
  }
}

export function startAttemptCall(
  clientSignal: AbortSignal,
  deadline: RequestDeadline,
  timeouts: Pick<Timeouts, 'firstTokenMs' | 'idleMs'>,
  now: () => number,
): AttemptCall {
  const controller = new AbortController()
  const parents = [clientSignal, deadline.signal]
  let timer: ReturnType<typeof setTimeout> | undefined
  // Once streaming: when the gateway started waiting on the model, undefined while it is not.
  // touch() and hold() run for every item of a stream, so they only note the time; one timer
  // checks it, instead of a timer created and cleared per item.
  let waitingSince: number | undefined
  let streaming = false
  const onParentAbort = (event: Event): void => {
    const reason: unknown = (event.target as AbortSignal).reason
    // The deadline passing while the gateway waits on the model is the model's slowness.
    const waiting = !streaming || waitingSince !== undefined
    controller.abort(
      event.target === deadline.signal && waiting && reason instanceof GatewayError
        ? reason.with({ upstream: 'unavailable' })
        : reason,
    )
  }
  const checkIdle = (): void => {
    const silent = waitingSince === undefined ? 0 : now() - waitingSince
    if (silent >= timeouts.idleMs) controller.abort(idleTimeout(timeouts.idleMs))
    else timer = setTimeout(checkIdle, timeouts.idleMs - silent)
  }
  const release = (): void => {
    clearTimeout(timer)
    for (const parent of parents) parent.removeEventListener('abort', onParentAbort)
  }
  for (const parent of parents) {
    if (parent.aborted) controller.abort(parent.reason)
    else parent.addEventListener('abort', onParentAbort, { once: true })
  }
  controller.signal.addEventListener('abort', release)
  // When the request's deadline comes first, it aborts the attempt with its own error.
  if (!controller.signal.aborted && timeouts.firstTokenMs < deadline.remainingMs()) {
    timer = setTimeout(() => {
      controller.abort(firstTokenTimeout(timeouts.firstTokenMs))
    }, timeouts.firstTokenMs)
  }
  return {
    signal: controller.signal,
    abort: (reason) => {
      controller.abort(reason)
    },
    release,
    // sse-response.ts calls this once the first item is in hand: from now on silence is bounded.
    clearTimeout: () => {
      clearTimeout(timer)
      if (controller.signal.aborted) return
      streaming = true
      waitingSince = now()
      timer = setTimeout(checkIdle, timeouts.idleMs)
    },
    hold: () => {
      waitingSince = undefined
    },
    touch: () => {
      waitingSince = now()
    },
    explain(error) {
      if (clientSignal.aborted) return clientClosed(error)
      const reason: unknown = controller.signal.reason
      if (controller.signal.aborted && reason instanceof GatewayError) return reason
      return error
    },
  }
}
