import { projectSchema, routeSchema, type Project, type Route } from '@strata/crds'
import { describe, expect, it } from 'vitest'
import { periodTtlMs, periodWindow } from './budget-period.ts'
import { estimateTokens, outputTokenBound, promptTokenEstimate } from './estimate-tokens.ts'
import { failsClosed, planChecks, planCountTokensChecks } from './limit-plan.ts'

const route = (limits: Record<string, unknown> = {}): Route =>
  routeSchema.parse({
    name: 'chat',
    namespace: 'apps',
    model: 'chat',
    backends: [{ kind: 'converse', modelId: 'm', region: 'us-east-1' }],
    limits,
  })

const project = (extra: Record<string, unknown> = {}): Project =>
  projectSchema.parse({
    name: 'support',
    namespace: 'apps',
    projectId: 'proj_x',
    keys: [],
    routes: [],
    ...extra,
  })

const NOW = Date.parse('2026-11-30T23:59:30Z')

describe('budget periods', () => {
  it('are UTC days and months, ending at the next midnight or first of the month', () => {
    expect(periodWindow('day', NOW)).toEqual({
      id: '2026-11-30',
      endsAt: Date.parse('2026-12-01T00:00:00Z'),
    })
    expect(periodWindow('month', Date.parse('2026-12-31T10:00:00Z'))).toEqual({
      id: '2026-12',
      endsAt: Date.parse('2027-01-01T00:00:00Z'),
    })
    expect(periodTtlMs(periodWindow('day', NOW), NOW)).toBe(30_000 + 86_400_000)
  })
})

describe('token estimate', () => {
  it('is the prompt at four characters a token plus the output bound', () => {
    const body = { model: 'chat', messages: [{ role: 'user', content: 'x'.repeat(400) }] }
    const prompt = promptTokenEstimate(body)
    expect(prompt).toBeGreaterThanOrEqual(100)
    expect(prompt).toBeLessThan(120)
    expect(estimateTokens({ ...body, max_tokens: 50 }, route())).toBe(prompt + 50)
  })

  it('bounds the output by the route cap, and uses the cap when the client says nothing', () => {
    expect(
      outputTokenBound({ max_completion_tokens: 5_000 }, route({ maxOutputTokens: 300 })),
    ).toBe(300)
    expect(outputTokenBound({}, route({ maxOutputTokens: 300 }))).toBe(300)
    expect(outputTokenBound({ max_output_tokens: 40 }, route())).toBe(40)
    expect(outputTokenBound({}, route())).toBe(0)
  })
})

describe('planChecks', () => {
  it('checks route and project rates and each budget, all keys in the project hash slot', () => {
    const checks = planChecks(
      project({
        limits: { requestsPerMinute: 100, tokensPerMinute: 5_000 },
        budgets: [
          { period: 'day', tokens: 1_000, usd: 2 },
          { period: 'month', usd: 30 },
        ],
      }),
      route({ requestsPerMinute: 10 }),
      () => 42,
      NOW,
    )
    expect(checks.map((check) => check.key)).toEqual([
      'strata:limits:{apps/support}:route:apps/chat:rpm',
      'strata:limits:{apps/support}:project:rpm',
      'strata:limits:{apps/support}:project:tpm',
      'strata:limits:{apps/support}:budget:day:2026-11-30:tokens',
      'strata:limits:{apps/support}:budget:day:2026-11-30:usd',
      'strata:limits:{apps/support}:budget:month:2026-11:usd',
    ])
    expect(checks[2]).toMatchObject({ kind: 'rate', unit: 'tokens', limit: 5_000, cost: 42 })
  })

  it('plans nothing for a request without limits, and fails closed when either level says so', () => {
    expect(planChecks(project(), route(), () => 10, NOW)).toEqual([])
    expect(failsClosed(project(), route())).toBe(false)
    expect(failsClosed(project({ limits: { failClosed: true } }), route())).toBe(true)
    expect(failsClosed(project(), route({ failClosed: true }))).toBe(true)
  })
})

describe('planCountTokensChecks', () => {
  it('counts requests on counters of their own, the size of the route and project limits', () => {
    const checks = planCountTokensChecks(
      project({
        limits: { requestsPerMinute: 100, tokensPerMinute: 5_000 },
        budgets: [{ period: 'day', tokens: 1_000 }],
      }),
      route({ requestsPerMinute: 10, tokensPerMinute: 900 }),
    )
    expect(checks).toEqual([
      {
        kind: 'rate',
        key: 'strata:limits:{apps/support}:route:apps/chat:count-tokens:rpm',
        scope: 'route',
        unit: 'requests',
        limit: 10,
        cost: 1,
      },
      {
        kind: 'rate',
        key: 'strata:limits:{apps/support}:project:count-tokens:rpm',
        scope: 'project',
        unit: 'requests',
        limit: 100,
        cost: 1,
      },
    ])
  })

  it('plans nothing where no request limit is set', () => {
    expect(planCountTokensChecks(project({ limits: { tokensPerMinute: 5 } }), route())).toEqual([])
  })
})
