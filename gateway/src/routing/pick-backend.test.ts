import { routeSchema, type Route, type RouteBackend } from '@strata/crds'
import { describe, expect, it } from 'vitest'
import { pickBackend } from './pick-backend.ts'

function route(backends: Partial<RouteBackend>[]): Route {
  return routeSchema.parse({
    name: 'r',
    namespace: 'n',
    model: 'alias',
    backends: backends.map((backend, index) => ({
      kind: 'converse',
      modelId: `model-${index}`,
      region: 'us-east-1',
      ...backend,
    })),
  })
}

const chosen = (backends: Partial<RouteBackend>[], random: number): string | undefined =>
  pickBackend(route(backends), () => random)?.modelId

describe('backend choice', () => {
  it('splits traffic by weight within the first priority', () => {
    const backends = [{ weight: 1 }, { weight: 3 }]
    expect(chosen(backends, 0)).toBe('model-0')
    expect(chosen(backends, 0.2499)).toBe('model-0')
    expect(chosen(backends, 0.25)).toBe('model-1')
    expect(chosen(backends, 0.9999)).toBe('model-1')
  })

  it('prefers the lowest priority number', () => {
    expect(chosen([{ priority: 1, weight: 100 }, { priority: 0 }], 0)).toBe('model-1')
  })

  it('skips backends of weight 0, even in a more preferred priority', () => {
    expect(chosen([{ priority: 0, weight: 0 }, { priority: 1 }], 0)).toBe('model-1')
    expect(chosen([{ weight: 0 }, { weight: 5 }], 0)).toBe('model-1')
  })

  it('has nothing to offer when every weight is 0', () => {
    expect(chosen([{ weight: 0 }], 0.5)).toBeUndefined()
  })

  it('follows the weights over many draws', () => {
    const counts = new Map<string, number>()
    const r = route([{ weight: 1 }, { weight: 9 }])
    for (let draw = 0; draw < 1000; draw++) {
      const modelId = pickBackend(r, () => draw / 1000)?.modelId ?? 'none'
      counts.set(modelId, (counts.get(modelId) ?? 0) + 1)
    }
    expect(Object.fromEntries(counts)).toEqual({ 'model-0': 100, 'model-1': 900 })
  })
})
