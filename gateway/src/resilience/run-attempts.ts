// One request's way through a route's backends: the weighted (or sticky) pick first, then the
// fallbacks in priority order, skipping open circuits. A backend is called once per request, and
// again only after the pause it asked for (Retry-After). A failure moves on only when it is
// retryable, happened before any byte reached
// the client (callers resolve `run` once the first token is in hand), the retry budget allows an
// extra attempt and the request's deadline has time left. See docs/resilience.md.
import type { Route, RouteBackend } from '@strata/crds'
import { setTimeout as sleep } from 'node:timers/promises'
import { GatewayError } from '../errors/gateway-error.ts'
import type { OpenRecord } from '../observe/request-record.ts'
import { withConnectTimeout } from '../upstream/connect-timeout.ts'
import {
  startAttemptCall,
  startDeadline,
  type AttemptCall,
  type RequestDeadline,
} from './attempt-call.ts'
import { attemptOrder, backendLabel, type Candidate } from './attempt-order.ts'
import type { Resilience } from './resilience.ts'
import type { BackendHealth } from './resilience-state.ts'
import { isBackendFailure, isRetryable } from './retryable.ts'
import { ATTEMPT_OUTCOMES, attemptOutcome } from './attempt-outcome.ts'
import {
  maxAttemptsPerRequest,
  maxRetryAfterWaitMs,
  routeKeyOf,
  routeTimeouts,
} from './route-resilience-defaults.ts'
import { stickyPoint } from './sticky.ts'
import { asGatewayError, clientClosed, gatewayError } from '../errors/catalogue.ts'

export interface AttemptsInput<T> {
  route: Route
  open: OpenRecord
  clientSignal: AbortSignal
  /** The value of the route's sticky header, when it has one and the client sent it. */
  stickyValue: string | undefined
  /** Whether this gateway serves the API on the backend's kind. */
  implemented: (backend: RouteBackend) => boolean
  /** Names the API in the 503 when no backend kind implements it, e.g. "Chat Completions API". */
  api: string
  /** One attempt; resolves once the answer (or, streaming, its first item) is in hand. */
  run: (backend: RouteBackend, call: AttemptCall) => Promise<T>
}

export interface Served<T> {
  value: T
  candidate: Candidate
  call: AttemptCall
  health: BackendHealth
  /** Releases the attempt's timers and the request deadline; call once the answer is complete. */
  finish(): void
}

const unavailable = (
  message: string,
  name: 'no_backend_available' | 'backend_unavailable' | 'circuit_open',
  retryAfterSeconds?: number,
): GatewayError =>
  gatewayError(name, message, retryAfterSeconds === undefined ? {} : { retryAfterSeconds })

function noCandidates(route: Route, api: string): GatewayError {
  const kinds = [...new Set(route.backends.filter((b) => b.weight > 0).map((b) => b.kind))]
  if (kinds.length === 0)
    return unavailable(
      `No backend of the model \`${route.model}\` is taking traffic.`,
      'no_backend_available',
    )
  return unavailable(
    `This gateway serves no ${api} on its ${kinds.join(' or ')} backend.`,
    'backend_unavailable',
  )
}

const seconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000))

/** Seconds a throttled client is told to wait when Bedrock named no pause of its own. */
export const THROTTLED_RETRY_AFTER_SECONDS = 1

// A 429 reaches the client with Retry-After, so that it backs off instead of retrying at once.
function withPause(error: GatewayError): GatewayError {
  if (error.status !== 429 || error.retryAfterSeconds !== undefined) return error
  return error.with({ retryAfterSeconds: THROTTLED_RETRY_AFTER_SECONDS })
}

// Made outside runAttempts so that a served stream, which keeps `finish` until its end, does not
// keep everything the attempts' closures saw (the request, its route, the candidates): what a
// stream holds while it is in flight is what the garbage collector marks and copies, and at a
// thousand streams the collector's threads took about a quarter of the gateway's CPU
// (docs/gateway-performance.md, tenth pass).
function releaseBoth(call: AttemptCall, deadline: RequestDeadline): () => void {
  return () => {
    call.release()
    deadline.release()
  }
}

export async function runAttempts<T>(
  resilience: Resilience,
  input: AttemptsInput<T>,
): Promise<Served<T>> {
  const { route, open, clientSignal } = input
  const { state, now, logger } = resilience
  const timeouts = routeTimeouts(route)
  const budget = state.budget(route)
  budget.deposit()
  const point =
    input.stickyValue === undefined ? resilience.random() : stickyPoint(input.stickyValue)
  const order = attemptOrder(route, point, (candidate) => input.implemented(candidate.backend))
  if (order.length === 0) throw noCandidates(route, input.api)
  const healthOf = (candidate: Candidate): BackendHealth => state.health(route, candidate)
  const deadline = startDeadline(timeouts.totalMs, now)
  const record = open.record
  let untried = [...order]
  // Backends that answered with Retry-After during this request, and when they may be called again.
  const pausedUntil = new Map<Candidate, number>()
  let lastError: GatewayError | undefined
  const countAttempt = (candidate: Candidate, error: GatewayError | undefined): void => {
    const outcome = attemptOutcome(error)
    const labels = { route: routeKeyOf(route), backend_name: backendLabel(candidate) }
    const { backendAttempts, firstAttemptOf } = resilience.metrics
    // Every outcome's series exists from the first attempt, so rate() sees a first failure.
    if (firstAttemptOf(labels.route, labels.backend_name))
      for (const other of ATTEMPT_OUTCOMES)
        if (other !== outcome) backendAttempts.inc({ ...labels, outcome: other }, 0)
    backendAttempts.inc({ ...labels, outcome })
  }
  let previous: Candidate | undefined
  let attempts = 0
  try {
    while (attempts < maxAttemptsPerRequest) {
      const ready = untried.find((c) => healthOf(c).breaker.wouldAllow())
      if (ready === undefined) {
        // Every backend was tried or is open. One that asked for a short pause (Retry-After) is
        // tried again once it is over, if the deadline allows; a long pause goes to the client
        // with the last error, which carries it, so the client can decide.
        const [waiting, until] =
          [...pausedUntil]
            .sort((a, b) => a[1] - b[1])
            .find(([c]) => healthOf(c).breaker.wouldAllow()) ?? []
        if (waiting === undefined || until === undefined) break
        const waitMs = Math.max(0, until - now())
        if (waitMs > maxRetryAfterWaitMs || waitMs >= deadline.remainingMs()) break
        await sleep(waitMs, undefined, { signal: AbortSignal.any([clientSignal, deadline.signal]) })
        pausedUntil.delete(waiting)
        untried = [waiting]
        continue
      }
      untried = untried.filter((c) => c !== ready)
      const health = healthOf(ready)
      if (!health.breaker.tryAcquire()) continue
      if (attempts > 0 && !budget.trySpend()) {
        health.breaker.onNeutral()
        logger.info('retry budget spent; no further attempt', { route: routeKeyOf(route) })
        break
      }
      attempts += 1
      record.attempts += 1
      record.backend = ready.backend
      if (previous !== undefined && ready.backend.priority > previous.backend.priority)
        record.fallbacks += 1
      const call = startAttemptCall(clientSignal, deadline, timeouts, now)
      const since = now()
      try {
        const value = await withConnectTimeout(timeouts.connectMs, () =>
          input.run(ready.backend, call),
        )
        open.addUpstreamTime(since, now())
        health.breaker.onSuccess()
        countAttempt(ready, undefined)
        return {
          value,
          candidate: ready,
          call,
          health,
          finish: releaseBoth(call, deadline),
        }
      } catch (raw) {
        open.addUpstreamTime(since, now())
        call.release()
        const error = asGatewayError(call.explain(raw))
        lastError = error
        if (error.code !== 'client_closed_request') countAttempt(ready, error)
        if (isBackendFailure(error)) health.breaker.onFailure()
        else health.breaker.onNeutral()
        if (error.retryAfterSeconds !== undefined)
          pausedUntil.set(ready, now() + error.retryAfterSeconds * 1000)
        if (!isRetryable(error) || clientSignal.aborted || deadline.signal.aborted)
          throw withPause(error)
        logger.info('upstream attempt failed before the first byte', {
          route: routeKeyOf(route),
          backend: backendLabel(ready),
          status: error.status,
          code: error.code,
          upstreamType: error.upstreamType,
        })
        previous = ready
      }
    }
  } catch (error) {
    deadline.release()
    if (error instanceof GatewayError) throw error
    // Only the Retry-After wait throws anything else: the client left, or the deadline passed.
    if (clientSignal.aborted) throw clientClosed(error)
    throw asGatewayError(deadline.signal.aborted ? deadline.signal.reason : error)
  }
  deadline.release()
  throw lastError === undefined ? allOpen(order, healthOf) : withPause(lastError)
}

// Nothing was tried: every backend's circuit is open (or its half-open probe is taken). Failing
// fast spares Bedrock a storm and tells the client when a probe will have decided.
function allOpen(
  order: Candidate[],
  healthOf: (candidate: Candidate) => BackendHealth,
): GatewayError {
  const waits = order.map((c) => healthOf(c).breaker.retryInMs()).filter((ms) => ms > 0)
  return unavailable(
    'Every backend of this model is failing; the gateway stopped calling them for a while.',
    'circuit_open',
    seconds(waits.length === 0 ? 1_000 : Math.min(...waits)),
  )
}
