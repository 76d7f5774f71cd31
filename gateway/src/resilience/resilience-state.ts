// What the resilience controls remember between requests, per gateway process: a circuit breaker
// per backend of each route, and a retry budget per route. Entries are keyed by what the backend
// is (route, label, kind, model, region), so a table reload that keeps a backend keeps its state,
// and one that re-points it starts afresh.
import type { Route } from '@strata/crds'
import type { ResilienceMetrics } from '../metrics/resilience-metrics.ts'
import { backendLabel, type Candidate } from './attempt-order.ts'
import { circuitStateValue, createCircuitBreaker, type CircuitBreaker } from './circuit-breaker.ts'
import { createRetryBudget, type RetryBudget } from './retry-budget.ts'
import { routeBreaker, routeKeyOf, routeRetryBudgetPercent } from './route-resilience-defaults.ts'

export interface BackendHealth {
  readonly breaker: CircuitBreaker
}

export interface ResilienceState {
  health(route: Route, candidate: Candidate): BackendHealth
  budget(route: Route): RetryBudget
}

/** Over how long the retry budget measures traffic. */
export const RETRY_BUDGET_WINDOW_MS = 10_000
/** Retries a route may always make per window, so a quiet route can still recover a failure. */
export const RETRY_BUDGET_RESERVE = 5

export function createResilienceState(
  metrics: ResilienceMetrics,
  now: () => number,
): ResilienceState {
  const healths = new Map<string, BackendHealth>()
  const budgets = new Map<string, { percent: number; budget: RetryBudget }>()
  function keyedHealth(route: Route, candidate: Candidate): BackendHealth {
    const { backend } = candidate
    const routeKey = routeKeyOf(route)
    const label = backendLabel(candidate)
    const key = [routeKey, label, backend.kind, backend.modelId, backend.region].join('\u0000')
    const options = routeBreaker(route)
    const known = healths.get(key)
    if (known !== undefined) {
      known.breaker.configure(options)
      return known
    }
    const labels = { route: routeKey, backend_name: label }
    metrics.circuitState.set(labels, circuitStateValue.closed)
    const breaker = createCircuitBreaker(options, now, (state) => {
      metrics.circuitState.set(labels, circuitStateValue[state])
    })
    const health = { breaker }
    healths.set(key, health)
    return health
  }

  function keyedBudget(route: Route): RetryBudget {
    const key = routeKeyOf(route)
    const percent = routeRetryBudgetPercent(route)
    const known = budgets.get(key)
    if (known !== undefined && known.percent === percent) return known.budget
    const budget = createRetryBudget({
      percent,
      windowMs: RETRY_BUDGET_WINDOW_MS,
      reserve: RETRY_BUDGET_RESERVE,
      now,
    })
    budgets.set(key, { percent, budget })
    return budget
  }

  // A request asks for the same health two or three times, and every request of a table version
  // shares its route objects: remembering the answers per route object skips building the keys
  // and the options each time. A new table brings new route objects, which go through the keyed
  // maps and so find the state of an unchanged backend or route.
  const healthsByRoute = new WeakMap<Route, (BackendHealth | undefined)[]>()
  const budgetsByRoute = new WeakMap<Route, RetryBudget>()
  return {
    health(route, candidate) {
      // A candidate is a position in its route's list; anything else is looked up by key.
      if (route.backends[candidate.index] !== candidate.backend)
        return keyedHealth(route, candidate)
      let known = healthsByRoute.get(route)
      if (known === undefined) {
        known = []
        healthsByRoute.set(route, known)
      }
      return (known[candidate.index] ??= keyedHealth(route, candidate))
    },
    budget(route) {
      let budget = budgetsByRoute.get(route)
      if (budget === undefined) {
        budget = keyedBudget(route)
        budgetsByRoute.set(route, budget)
      }
      return budget
    },
  }
}
