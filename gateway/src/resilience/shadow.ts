// Shadow mirroring: a sample of a route's requests is also sent to a candidate backend, in the
// background. Its outcome and latency go to strata_gateway_shadow_requests_total, a duration
// histogram and one log line; the client never waits for it and never sees its failures. The copy
// has its own cancellation (the route's total deadline), not the client's: a client that hangs up
// early must not bias the candidate's latency.
import type { Route, RouteBackend } from '@strata/crds'
import type { ShadowOutcome } from '../metrics/resilience-metrics.ts'
import { totalTimeout } from './attempt-call.ts'
import { backendLabel, shadowCandidate } from './attempt-order.ts'
import type { Resilience } from './resilience.ts'
import { routeKeyOf, routeTimeouts } from './route-resilience-defaults.ts'
import { asGatewayError } from '../errors/catalogue.ts'

export interface MirrorInput {
  route: Route
  implemented: (backend: RouteBackend) => boolean
  /** Sends the copy and reads the whole answer (a stream to its end). */
  send: (backend: RouteBackend, signal: AbortSignal) => Promise<unknown>
}

/** Drains a stream, so a streaming copy is timed to its last event like the client's would be. */
export async function drain(items: AsyncIterable<unknown>): Promise<void> {
  const iterator = items[Symbol.asyncIterator]()
  while ((await iterator.next()).done !== true);
}

/** Starts the copy when the route samples this request; returns at once either way. */
export function mirror(resilience: Resilience, input: MirrorInput): void {
  const { route } = input
  const shadow = route.shadow
  if (shadow === undefined || shadow.percent <= 0) return
  if (resilience.random() * 100 >= shadow.percent) return
  const candidate = shadowCandidate(route)
  if (candidate === undefined || !input.implemented(candidate.backend)) {
    resilience.logger.warn('shadow backend not found in the route; no copy sent', {
      route: routeKeyOf(route),
      shadow: shadow.backend,
    })
    return
  }
  const { totalMs } = routeTimeouts(route)
  const controller = new AbortController()
  const timer = setTimeout(() => {
    controller.abort(totalTimeout(totalMs))
  }, totalMs)
  const startedAt = resilience.now()
  const report = (outcome: ShadowOutcome, error?: unknown): void => {
    clearTimeout(timer)
    const seconds = (resilience.now() - startedAt) / 1000
    const labels = { route: routeKeyOf(route), outcome }
    resilience.metrics.shadowRequests.inc(labels)
    resilience.metrics.shadowDuration.observe(labels, seconds)
    const gatewayError = error === undefined ? undefined : asGatewayError(error)
    resilience.logger.info('shadow request finished', {
      route: labels.route,
      backend: backendLabel(candidate),
      outcome,
      durationMs: Math.round(seconds * 1000),
      ...(gatewayError === undefined
        ? {}
        : { status: gatewayError.status, code: gatewayError.code, error: gatewayError.message }),
    })
  }
  // Deferred, so the client's own call goes out first; never awaited, and nothing escapes it.
  setImmediate(() => {
    Promise.resolve()
      .then(() => input.send(candidate.backend, controller.signal))
      .then(
        () => {
          report('success')
        },
        (error: unknown) => {
          report(controller.signal.aborted ? 'timeout' : 'error', error)
        },
      )
      .catch(() => undefined)
  })
}
