// What the routes need from the resilience controls: the remembered state, the clock, the random
// source for the weighted pick and the shadow sample, and where to report. Built once per app.
import type { Logger } from '../app-logger.ts'
import type { ResilienceMetrics } from '../metrics/resilience-metrics.ts'
import type { RandomSource } from './attempt-order.ts'
import { createResilienceState, type ResilienceState } from './resilience-state.ts'

export interface Resilience {
  readonly state: ResilienceState
  readonly metrics: ResilienceMetrics
  /** Monotonic milliseconds. */
  readonly now: () => number
  readonly random: RandomSource
  readonly logger: Logger
}

export interface ResilienceDeps {
  metrics: { resilience: ResilienceMetrics }
  now: () => number
  random: RandomSource
  logger: Logger
}

export function createResilience(deps: ResilienceDeps): Resilience {
  return {
    state: createResilienceState(deps.metrics.resilience, deps.now),
    metrics: deps.metrics.resilience,
    now: deps.now,
    random: deps.random,
    logger: deps.logger,
  }
}
