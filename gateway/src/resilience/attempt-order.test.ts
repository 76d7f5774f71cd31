import { routeSchema, type Route } from '@strata/crds'
import { describe, expect, it } from 'vitest'
import { attemptOrder, backendLabel, shadowCandidate } from './attempt-order.ts'

function route(backends: { name: string; weight?: number; priority?: number }[]): Route {
  return routeSchema.parse({
    name: 'chat',
    namespace: 'apps',
    model: 'chat',
    backends: backends.map((backend) => ({
      kind: 'converse',
      modelId: `model-${backend.name}`,
      region: 'us-east-1',
      ...backend,
    })),
  })
}

const names = (order: ReturnType<typeof attemptOrder>): string[] => order.map(backendLabel)

describe('attempt order', () => {
  it('of a route with one backend is that backend, unless weight 0 or unusable turns it off', () => {
    const single = route([{ name: 'only', priority: 3, weight: 2 }])
    expect(attemptOrder(single, 0.99)).toEqual([{ backend: single.backends[0], index: 0 }])
    expect(attemptOrder(single, 0, () => false)).toEqual([])
    expect(attemptOrder(route([{ name: 'off', weight: 0 }]), 0)).toEqual([])
  })

  const chain = route([
    { name: 'fallback', priority: 1 },
    { name: 'a', weight: 9 },
    { name: 'b', weight: 1 },
    { name: 'last', priority: 2, weight: 5 },
  ])

  it('puts the weighted pick first, then its priority by weight, then lower priorities', () => {
    expect(names(attemptOrder(chain, 0))).toEqual(['a', 'b', 'fallback', 'last'])
    expect(names(attemptOrder(chain, 0.95))).toEqual(['b', 'a', 'fallback', 'last'])
  })

  it('splits by weight: 10% on the canary', () => {
    const canary = route([
      { name: 'stable', weight: 90 },
      { name: 'canary', weight: 10 },
    ])
    let hits = 0
    for (let i = 0; i < 1000; i += 1)
      if (attemptOrder(canary, i / 1000)[0]?.backend.name === 'canary') hits += 1
    expect(hits).toBe(100)
  })

  it('gives weight 0 no traffic at all, not even as a fallback (the kill switch)', () => {
    const killed = route([
      { name: 'a', weight: 0 },
      { name: 'b', weight: 1, priority: 1 },
    ])
    expect(names(attemptOrder(killed, 0))).toEqual(['b'])
  })

  it('leaves out what is not usable and moves on to the next priority', () => {
    const order = attemptOrder(chain, 0, (candidate) => candidate.backend.priority > 0)
    expect(names(order)).toEqual(['fallback', 'last'])
  })

  it('finds the shadow backend by name or position', () => {
    const shadowed = { ...chain, shadow: { backend: 'last', percent: 10 } }
    expect(shadowCandidate(shadowed)?.index).toBe(3)
    expect(shadowCandidate({ ...chain, shadow: { backend: '1', percent: 10 } })?.backend.name).toBe(
      'a',
    )
    expect(shadowCandidate({ ...chain, shadow: { backend: 'nope', percent: 10 } })).toBeUndefined()
  })
})
