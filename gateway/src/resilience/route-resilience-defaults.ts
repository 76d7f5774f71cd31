// The resilience settings of one route with the gateway's defaults filled in. The table carries
// only what a ModelRoute sets (crds/src/route-resilience.ts, model-route-limits.ts); the numbers
// below are what an unset field means, documented in docs/resilience.md.
import type { Route } from '@strata/crds'

export interface Timeouts {
  /** Connection to Bedrock; enforced by the shared connection pool (see docs/resilience.md). */
  connectMs: number
  /** From sending the request to the first token, or to the whole answer without streaming. */
  firstTokenMs: number
  /** Longest silence between two stream events once the answer has started. */
  idleMs: number
  /** The whole request, every attempt included. */
  totalMs: number
}

export interface BreakerOptions {
  consecutiveFailures: number
  failureRatePercent: number
  minimumRequests: number
  coolDownMs: number
}

export const defaultTimeouts: Timeouts = {
  connectMs: 10_000,
  firstTokenMs: 60_000,
  idleMs: 120_000,
  totalMs: 600_000,
}

export const defaultBreaker: BreakerOptions = {
  consecutiveFailures: 5,
  failureRatePercent: 50,
  minimumRequests: 20,
  coolDownMs: 30_000,
}

export const defaultRetryBudgetPercent = 20

/** Upstream calls one request may make, the first included, whatever the budget allows. */
export const maxAttemptsPerRequest = 3

/** The longest Retry-After a request waits out itself before retrying the same backend. */
export const maxRetryAfterWaitMs = 2_000

export function routeTimeouts(route: Route): Timeouts {
  const set = route.limits?.timeouts ?? {}
  const totalMs = set.totalMs ?? defaultTimeouts.totalMs
  // `timeoutMs` is the older name of the first-token bound, kept for hand-written tables.
  const firstTokenMs = set.firstTokenMs ?? route.limits?.timeoutMs ?? defaultTimeouts.firstTokenMs
  return {
    connectMs: Math.min(set.connectMs ?? defaultTimeouts.connectMs, totalMs),
    firstTokenMs: Math.min(firstTokenMs, totalMs),
    idleMs: set.idleMs ?? defaultTimeouts.idleMs,
    totalMs,
  }
}

export function routeBreaker(route: Route): BreakerOptions {
  const set = route.breaker ?? {}
  return {
    consecutiveFailures: set.consecutiveFailures ?? defaultBreaker.consecutiveFailures,
    failureRatePercent: set.failureRatePercent ?? defaultBreaker.failureRatePercent,
    minimumRequests: set.minimumRequests ?? defaultBreaker.minimumRequests,
    coolDownMs: set.coolDownMs ?? defaultBreaker.coolDownMs,
  }
}

export function routeRetryBudgetPercent(route: Route): number {
  return route.limits?.retryBudgetPercent ?? defaultRetryBudgetPercent
}

/** "ns/name", the `route` label of metrics. */
export function routeKeyOf(route: Route): string {
  return `${route.namespace}/${route.name}`
}
