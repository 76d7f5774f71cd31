import { routeSchema } from '@strata/crds'
import { describe, expect, it } from 'vitest'
import {
  defaultTimeouts,
  routeBreaker,
  routeRetryBudgetPercent,
  routeTimeouts,
} from './route-resilience-defaults.ts'

const base = {
  name: 'chat',
  namespace: 'apps',
  model: 'chat',
  backends: [{ kind: 'converse', modelId: 'm', region: 'us-east-1' }],
}

describe('route resilience settings', () => {
  it('fills defaults when the route sets nothing', () => {
    const route = routeSchema.parse(base)
    expect(routeTimeouts(route)).toEqual(defaultTimeouts)
    expect(routeRetryBudgetPercent(route)).toBe(20)
    expect(routeBreaker(route).consecutiveFailures).toBe(5)
  })

  it('reads timeouts, and the older timeoutMs as the first-token bound', () => {
    const legacy = routeSchema.parse({ ...base, limits: { timeoutMs: 1_500 } })
    expect(routeTimeouts(legacy).firstTokenMs).toBe(1_500)
    const both = routeSchema.parse({
      ...base,
      limits: { timeoutMs: 1_500, timeouts: { firstTokenMs: 700, idleMs: 300, totalMs: 5_000 } },
    })
    expect(routeTimeouts(both)).toEqual({
      connectMs: 5_000,
      firstTokenMs: 700,
      idleMs: 300,
      totalMs: 5_000,
    })
  })

  it('never lets a phase outlast the total', () => {
    const short = routeSchema.parse({ ...base, limits: { timeouts: { totalMs: 2_000 } } })
    expect(routeTimeouts(short)).toMatchObject({ connectMs: 2_000, firstTokenMs: 2_000 })
  })

  it('takes the breaker thresholds the route sets', () => {
    const route = routeSchema.parse({ ...base, breaker: { coolDownMs: 500 } })
    expect(routeBreaker(route)).toMatchObject({ coolDownMs: 500, consecutiveFailures: 5 })
  })
})
