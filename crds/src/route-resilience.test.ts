import { describe, expect, it } from 'vitest'
import { modelRouteSpecSchema } from './model-route.ts'
import { routeSchema } from './routing-table.ts'

const spec = {
  projectRef: { name: 'support' },
  model: 'chat',
  backends: [
    { name: 'stable', kind: 'converse', modelId: 'us.anthropic.claude-sonnet-4-6' },
    { name: 'candidate', kind: 'mantle', modelId: 'openai.gpt-oss-120b', weight: 0 },
  ],
  limits: { retryBudgetPercent: 10, timeouts: { firstTokenMs: 2_000, idleMs: 30_000 } },
  sticky: { header: 'x-session-id' },
  shadow: { backend: 'candidate', percent: 5 },
  breaker: { consecutiveFailures: 3, coolDownMs: 10_000 },
}

describe('route resilience options', () => {
  it('are accepted on a ModelRoute and, as the operator copies them, in the routing table', () => {
    expect(modelRouteSpecSchema.safeParse(spec).success).toBe(true)
    const tableRoute = {
      name: 'chat',
      namespace: 'apps',
      model: 'chat',
      backends: spec.backends.map((backend) => ({ ...backend, region: 'us-east-1' })),
      limits: spec.limits,
      sticky: spec.sticky,
      shadow: spec.shadow,
      breaker: spec.breaker,
    }
    expect(routeSchema.safeParse(tableRoute).success).toBe(true)
  })

  it.each([
    ['a shadow share above 100%', { shadow: { backend: 'candidate', percent: 101 } }],
    ['a shadow backend the route does not have', { shadow: { backend: 'candidat', percent: 5 } }],
    ['a shadow position past the last backend', { shadow: { backend: '2', percent: 5 } }],
    ['a header name with a space', { sticky: { header: 'x session' } }],
    ['a cool-down under 100 ms', { breaker: { coolDownMs: 10 } }],
    ['an unknown breaker field', { breaker: { threshold: 3 } }],
  ])('refuse %s', (_what, options) => {
    expect(modelRouteSpecSchema.safeParse({ ...spec, ...options }).success).toBe(false)
  })
})
