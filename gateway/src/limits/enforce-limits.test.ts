// Token governance in the app, in process: a limiter over the memory store, the stub backend and a
// clock the test moves. What a client sees (status, body, x-ratelimit-* headers) and what is
// settled when a record closes.
import { routingTableSchema, type RoutingTableInput } from '@strata/crds'
import { describe, expect, it } from 'vitest'
import {
  authorized,
  createTestApp,
  NOW_MS,
  postChat,
  textChunk,
  type TestApp,
} from '../../test-support/app-test-kit.ts'
import { createGatewayMetrics } from '../metrics/gateway-metrics.ts'
import type { RequestRecord } from '../observe/request-record.ts'
import { testTableInput } from '../../test-support/test-tables.ts'
import type { CostOf } from './cost-of.ts'
import { createLimiter } from './limiter.ts'
import { createMemoryStore } from './memory-store.ts'

interface Setup {
  routeLimits?: Record<string, unknown>
  project?: Record<string, unknown>
  degraded?: boolean
  costOf?: CostOf
}

function limitedApp(setup: Setup): TestApp & { clock: { now: number }; finished: RequestRecord[] } {
  const input: RoutingTableInput = testTableInput()
  const support = input.projects[0]
  if (support === undefined) throw new Error('test table has no support project')
  Object.assign(support, setup.project ?? {})
  const claude = support.routes[0]
  if (claude === undefined) throw new Error('test table has no claude route')
  claude.limits = { ...claude.limits, ...setup.routeLimits }
  const table = routingTableSchema.parse(input)
  const metrics = createGatewayMetrics({ processMetrics: false })
  const clock = { now: NOW_MS }
  const limiter = createLimiter({
    store: createMemoryStore({ replicas: () => 1 }),
    degraded: () => setup.degraded ?? false,
    metrics: metrics.limits,
    costOf: setup.costOf ?? (() => undefined),
    clock: () => clock.now,
    onSettleError: (error) => {
      throw error
    },
  })
  const finished: RequestRecord[] = []
  const app = createTestApp({
    metrics,
    limits: limiter,
    clock: () => clock.now,
    requestListeners: [{ finished: (record) => finished.push({ ...record }) }],
  })
  app.routing.replace(table)
  return { ...app, clock, finished }
}

const chat = (extra: Record<string, unknown> = {}) => ({
  model: 'claude',
  messages: [{ role: 'user', content: 'hi' }],
  ...extra,
})

async function metricValue(app: TestApp, name: string): Promise<string> {
  const text = await app.deps.metrics.registry.metrics()
  return text
    .split('\n')
    .filter((line) => line.startsWith(name))
    .join('\n')
}

describe('rate limits in the app', () => {
  it('answers with decreasing x-ratelimit headers, then 429 rate_limit_exceeded of type requests', async () => {
    const app = limitedApp({ routeLimits: { requestsPerMinute: 2 } })
    const first = await postChat(app.app, chat())
    expect(first.status).toBe(200)
    expect(first.headers.get('x-ratelimit-limit-requests')).toBe('2')
    expect(first.headers.get('x-ratelimit-remaining-requests')).toBe('1')
    expect(first.headers.get('x-ratelimit-reset-requests')).toBe('30s')
    const second = await postChat(app.app, chat())
    expect(second.headers.get('x-ratelimit-remaining-requests')).toBe('0')
    const refused = await postChat(app.app, chat())
    expect(refused.status).toBe(429)
    expect(refused.headers.get('retry-after')).toBe('30')
    expect(refused.headers.get('x-ratelimit-remaining-requests')).toBe('0')
    expect(await refused.json()).toEqual({
      error: {
        message:
          'Rate limit reached for claude in route team-a/claude on requests per min (RPM): Limit 2, Used 2, Requested 1. Please try again in 30s.',
        type: 'requests',
        param: null,
        code: 'rate_limit_exceeded',
      },
    })
    expect(app.backend.calls).toHaveLength(2)
    const last = app.finished.at(-1)
    expect(last).toMatchObject({ operation: 'chat', status: 429, model: 'claude' })
    expect(last?.route?.name).toBe('claude')
    expect(last?.project?.name).toBe('support')
    expect(last?.error?.code).toBe('rate_limit_exceeded')
    expect(await metricValue(app, 'strata_gateway_rate_limited_total')).toContain(
      'strata_gateway_rate_limited_total{project="team-a/support",route="team-a/claude",limit="requests_per_minute"} 1',
    )
    app.clock.now += 30_000
    expect((await postChat(app.app, chat())).status).toBe(200)
  })

  it('admits tokens on the estimate and settles on the real usage when the answer is sent', async () => {
    const app = limitedApp({ project: { limits: { tokensPerMinute: 1_000 } } })
    const first = await postChat(app.app, chat({ max_tokens: 400 }))
    expect(first.status).toBe(200)
    const estimate = 1_000 - Number(first.headers.get('x-ratelimit-remaining-tokens'))
    expect(estimate).toBeGreaterThan(400)
    // The stub answers with 5 tokens, so all but 5 of the estimate came back.
    const second = await postChat(app.app, chat({ max_tokens: 400 }))
    expect(Number(second.headers.get('x-ratelimit-remaining-tokens'))).toBe(1_000 - 5 - estimate)
    expect(second.headers.get('x-ratelimit-limit-tokens')).toBe('1000')
  })

  it('refuses a token-heavy request with type tokens while cheap ones still pass', async () => {
    const app = limitedApp({ routeLimits: { tokensPerMinute: 300 } })
    app.backend.completeWith = () => new Promise(() => undefined)
    void postChat(app.app, chat({ max_tokens: 250 }))
    await new Promise((resolve) => setTimeout(resolve, 20))
    const refused = await postChat(app.app, chat({ max_tokens: 250 }))
    expect(refused.status).toBe(429)
    const body = (await refused.json()) as { error: { type: string; code: string } }
    expect(body.error).toMatchObject({ type: 'tokens', code: 'rate_limit_exceeded' })
  })

  it('settles a stream at its end with the usage of its last chunk', async () => {
    const app = limitedApp({ routeLimits: { tokensPerMinute: 10_000 } })
    app.backend.script = [
      textChunk('Hel'),
      textChunk('lo', 'stop'),
      {
        id: 'chatcmpl-test',
        object: 'chat.completion.chunk',
        created: NOW_MS / 1000,
        model: 'claude',
        choices: [],
        usage: { prompt_tokens: 1_000, completion_tokens: 2_000, total_tokens: 3_000 },
      },
    ]
    const stream = await postChat(app.app, chat({ stream: true, max_tokens: 10 }))
    expect(stream.status).toBe(200)
    expect(stream.headers.get('x-ratelimit-limit-tokens')).toBe('10000')
    await stream.text()
    const next = await postChat(app.app, chat({ max_tokens: 10 }))
    const estimate = 10_000 - Number(stream.headers.get('x-ratelimit-remaining-tokens'))
    expect(Number(next.headers.get('x-ratelimit-remaining-tokens'))).toBe(10_000 - 3_000 - estimate)
  })

  it('gives the estimate back when the upstream fails before answering', async () => {
    const app = limitedApp({ routeLimits: { tokensPerMinute: 1_000 } })
    app.backend.completeWith = () => Promise.reject(new Error('boom'))
    const failed = await postChat(app.app, chat({ max_tokens: 100 }))
    expect(failed.status).toBe(500)
    app.backend.completeWith = (call) =>
      Promise.resolve({
        id: call.context.id,
        object: 'chat.completion',
        created: 0,
        model: 'claude',
        choices: [],
        usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
      })
    const next = await postChat(app.app, chat({ max_tokens: 100 }))
    const estimate = 1_000 - Number(next.headers.get('x-ratelimit-remaining-tokens'))
    expect(estimate).toBeLessThan(200)
  })

  it('answers 503 rate_limiter_unavailable on a failClosed route while the store is down', async () => {
    const app = limitedApp({
      routeLimits: { requestsPerMinute: 100, failClosed: true },
      degraded: true,
    })
    const refused = await postChat(app.app, chat())
    expect(refused.status).toBe(503)
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe(
      'rate_limiter_unavailable',
    )
    const open = limitedApp({ routeLimits: { requestsPerMinute: 100 }, degraded: true })
    expect((await postChat(open.app, chat())).status).toBe(200)
  })
})

describe('every model endpoint', () => {
  it('limits /v1/responses and /v1/embeddings on the same route counters as chat', async () => {
    const app = limitedApp({ routeLimits: { requestsPerMinute: 2 } })
    const post = (path: string, body: unknown) =>
      app.app.request(path, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...authorized() },
        body: JSON.stringify(body),
      })
    const first = await post('/v1/responses', { model: 'claude', input: 'hi' })
    expect(first.headers.get('x-ratelimit-remaining-requests')).toBe('1')
    const second = await post('/v1/embeddings', { model: 'claude', input: 'hi' })
    expect(second.headers.get('x-ratelimit-remaining-requests')).toBe('0')
    const refused = await postChat(app.app, chat())
    expect(refused.status).toBe(429)
  })

  it('lets an unknown alias through to the endpoint, which answers 404', async () => {
    const app = limitedApp({ routeLimits: { requestsPerMinute: 1 } })
    const unknown = await postChat(app.app, chat({ model: 'nope' }))
    expect(unknown.status).toBe(404)
    expect(unknown.headers.get('x-ratelimit-limit-requests')).toBeNull()
  })
})

describe('budgets in the app', () => {
  it('refuses with 429 insufficient_quota once the daily token budget is used up', async () => {
    const app = limitedApp({ project: { budgets: [{ period: 'day', tokens: 8 }] } })
    expect((await postChat(app.app, chat())).status).toBe(200)
    expect((await postChat(app.app, chat())).status).toBe(200)
    const refused = await postChat(app.app, chat())
    expect(refused.status).toBe(429)
    expect(refused.headers.get('x-should-retry')).toBe('false')
    const body = (await refused.json()) as { error: Record<string, unknown> }
    expect(body.error).toMatchObject({ type: 'insufficient_quota', code: 'insufficient_quota' })
    expect(body.error['message']).toContain('2026-05-02T00:00:00.000Z')
    app.clock.now += 86_400_000
    expect((await postChat(app.app, chat())).status).toBe(200)
  })

  it('counts dollars through the cost function for a monthly USD budget', async () => {
    const app = limitedApp({
      project: { budgets: [{ period: 'month', usd: 0.25 }] },
      costOf: (record) => (record.usage === undefined ? undefined : 0.1),
    })
    for (let i = 0; i < 3; i += 1) expect((await postChat(app.app, chat())).status).toBe(200)
    const refused = await postChat(app.app, chat())
    expect(refused.status).toBe(429)
    expect(await metricValue(app, 'strata_gateway_rate_limited_total')).toContain(
      'limit="budget_usd"} 1',
    )
  })
})
