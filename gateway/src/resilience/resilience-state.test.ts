import { Registry } from 'prom-client'
import type { Route } from '@strata/crds'
import { describe, expect, it } from 'vitest'
import { createResilienceMetrics } from '../metrics/resilience-metrics.ts'
import { testTable } from '../../test-support/test-tables.ts'
import { createResilienceState } from './resilience-state.ts'

const firstRoute = (): Route => {
  const route = testTable().projects[0]?.routes[0]
  if (route === undefined) throw new Error('the test table has a route')
  return route
}
const first = (route: Route) => ({
  backend: route.backends[0] as Route['backends'][number],
  index: 0,
})

function trip(state: ReturnType<typeof createResilienceState>, route: Route): void {
  const { breaker } = state.health(route, first(route))
  for (let i = 0; i < 10; i++) if (breaker.tryAcquire()) breaker.onFailure()
}

describe('resilience state', () => {
  it('keeps a backend state across table versions that keep the backend', () => {
    const state = createResilienceState(createResilienceMetrics(new Registry()), () => 0)
    const old = { ...firstRoute(), breaker: { consecutiveFailures: 2 } }
    trip(state, old)
    expect(state.health(old, first(old)).breaker.state()).toBe('open')
    // The next table version: new objects, same backend.
    const next = { ...firstRoute(), breaker: { consecutiveFailures: 2 } }
    expect(state.health(next, first(next))).toBe(state.health(old, first(old)))
    expect(state.budget(next)).toBe(state.budget(old))
    // Re-pointed at another model, the backend starts afresh.
    const moved = { ...next, backends: [{ ...first(next).backend, modelId: 'other' }] }
    expect(state.health(moved, first(moved)).breaker.state()).toBe('closed')
  })

  it('gives a route whose retry budget changed a new budget', () => {
    const state = createResilienceState(createResilienceMetrics(new Registry()), () => 0)
    const route = firstRoute()
    const changed = { ...route, limits: { ...route.limits, retryBudgetPercent: 50 } }
    expect(state.budget(changed)).not.toBe(state.budget(route))
  })
})
