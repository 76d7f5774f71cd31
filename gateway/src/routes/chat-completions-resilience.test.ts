// The resilience hooks of /v1/chat/completions, in process with a stub backend per kind: fallback
// before the first byte, never after it, idle streams, and a failing shadow the client never sees.
import type { RoutingTableInput } from '@strata/crds'
import { describe, expect, it } from 'vitest'
import {
  createStubBackend,
  createTestApp,
  postChat,
  textChunk,
  usageChunk,
  type StubBackend,
} from '../../test-support/app-test-kit.ts'
import { GatewayError } from '../errors/gateway-error.ts'
import { createRoutingState } from '../routing/routing-state.ts'
import { testTableWithClaudeRoute } from '../../test-support/test-tables.ts'

const hello = { model: 'claude', messages: [{ role: 'user', content: 'Hello' }] }

type RouteInput = RoutingTableInput['projects'][number]['routes'][number]

function appWith(route: Partial<RouteInput>) {
  const table = testTableWithClaudeRoute({
    backends: [
      { name: 'primary', kind: 'converse', modelId: 'primary-model', region: 'us-east-1' },
      {
        name: 'fallback',
        kind: 'mantle',
        modelId: 'fallback-model',
        region: 'us-east-1',
        priority: 1,
      },
    ],
    ...route,
  })
  const converse = createStubBackend()
  const mantle = createStubBackend()
  const test = createTestApp({
    routing: createRoutingState(table).current,
    backends: { converse, mantle },
  })
  return { ...test, converse, mantle }
}

const throttle = (): GatewayError =>
  new GatewayError(429, 'rate_limit_error', 'Too many requests.', {
    code: 'rate_limit_exceeded',
    upstream: 'refused',
  })

async function sseData(response: Response): Promise<string[]> {
  return (await response.text())
    .split('\n\n')
    .filter((block) => block.startsWith('data: '))
    .map((block) => block.slice('data: '.length))
}

const callsOf = (stub: StubBackend): number => stub.calls.length

describe('fallback before the first byte', () => {
  it('serves a JSON answer from the next priority when the first is throttled', async () => {
    const { app, converse, mantle } = appWith({})
    converse.completeWith = () => Promise.reject(throttle())
    const response = await postChat(app, hello)
    expect(response.status).toBe(200)
    expect([callsOf(converse), callsOf(mantle)]).toEqual([1, 1])
  })

  it('serves a stream from the next priority when the first fails before any chunk', async () => {
    const { app, converse, mantle } = appWith({})
    converse.script = [
      new GatewayError(503, 'api_error', 'Unavailable.', { upstream: 'unavailable' }),
    ]
    const response = await postChat(app, { ...hello, stream: true })
    expect(response.status).toBe(200)
    expect((await sseData(response)).at(-1)).toBe('[DONE]')
    expect([callsOf(converse), callsOf(mantle)]).toEqual([1, 1])
  })

  it('times out a slow first chunk and falls back', async () => {
    const { app, converse, mantle } = appWith({ limits: { timeouts: { firstTokenMs: 40 } } })
    converse.script = ['hang']
    const response = await postChat(app, { ...hello, stream: true })
    expect(response.status).toBe(200)
    expect((await sseData(response)).at(-1)).toBe('[DONE]')
    expect(converse.calls[0]?.context.signal.aborted).toBe(true)
    expect(callsOf(mantle)).toBe(1)
  })

  it('answers 504 upstream_timeout when no backend answers in time', async () => {
    const { app, converse, mantle } = appWith({ limits: { timeouts: { firstTokenMs: 30 } } })
    converse.script = ['hang']
    mantle.script = ['hang']
    const response = await postChat(app, { ...hello, stream: true })
    expect(response.status).toBe(504)
    expect(await response.json()).toMatchObject({
      error: { type: 'timeout_error', code: 'upstream_timeout' },
    })
  })
})

describe('after the first byte', () => {
  it('never falls back: a failure becomes one error event', async () => {
    const { app, converse, mantle } = appWith({})
    converse.script = [
      textChunk('Hel'),
      new GatewayError(503, 'api_error', 'Gone.', { upstream: 'unavailable' }),
    ]
    const data = await sseData(await postChat(app, { ...hello, stream: true }))
    expect(JSON.parse(data[0] ?? '')).toEqual(textChunk('Hel'))
    expect(JSON.parse(data.at(-1) ?? '')).toMatchObject({ error: { message: 'Gone.' } })
    expect([callsOf(converse), callsOf(mantle)]).toEqual([1, 0])
  })

  it('ends a silent stream with a stream_idle_timeout error event', async () => {
    const { app, converse } = appWith({ limits: { timeouts: { idleMs: 40 } } })
    converse.script = [textChunk('Hel'), 'hang']
    const data = await sseData(await postChat(app, { ...hello, stream: true }))
    expect(JSON.parse(data.at(-1) ?? '')).toMatchObject({
      error: { type: 'timeout_error', code: 'stream_idle_timeout' },
    })
  })

  it('keeps a stream whose chunks come faster than the idle limit', async () => {
    const { app, converse } = appWith({ limits: { timeouts: { idleMs: 250 } } })
    converse.script = [
      textChunk('a'),
      { delayMs: 30 },
      textChunk('b'),
      { delayMs: 30 },
      textChunk('c'),
      { delayMs: 30 },
      textChunk('d', 'stop'),
      usageChunk(),
    ]
    const data = await sseData(await postChat(app, { ...hello, stream: true }))
    expect(data.at(-1)).toBe('[DONE]')
  })
})

describe('kill switch and shadow', () => {
  it('sends nothing to a backend of weight 0', async () => {
    const { app, converse, mantle } = appWith({
      backends: [
        { name: 'primary', kind: 'converse', modelId: 'p', region: 'us-east-1', weight: 0 },
        { name: 'other', kind: 'mantle', modelId: 'o', region: 'us-east-1' },
      ],
    })
    for (let i = 0; i < 5; i += 1) expect((await postChat(app, hello)).status).toBe(200)
    expect([callsOf(converse), callsOf(mantle)]).toEqual([0, 5])
  })

  it('copies requests to a failing shadow without the client noticing, and counts them', async () => {
    const { app, converse, mantle, deps } = appWith({
      backends: [
        { name: 'primary', kind: 'converse', modelId: 'p', region: 'us-east-1' },
        { name: 'candidate', kind: 'mantle', modelId: 'c', region: 'us-east-1', weight: 0 },
      ],
      shadow: { backend: 'candidate', percent: 100 },
    })
    mantle.completeWith = () =>
      Promise.reject(new GatewayError(500, 'server_error', 'Broken.', { upstream: 'unavailable' }))
    for (let i = 0; i < 3; i += 1) expect((await postChat(app, hello)).status).toBe(200)
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect([callsOf(converse), callsOf(mantle)]).toEqual([3, 3])
    const text = await deps.metrics.registry.getSingleMetricAsString(
      'strata_gateway_shadow_requests_total',
    )
    expect(text).toContain(
      'strata_gateway_shadow_requests_total{route="team-a/claude",outcome="error"} 3',
    )
  })
})

describe('the first token', () => {
  it('is the first model output: a role chunk alone does not stop the first-token clock', async () => {
    const { app, converse, mantle } = appWith({ limits: { timeouts: { firstTokenMs: 40 } } })
    const roleOnly = textChunk('')
    roleOnly.choices = [
      { index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null },
    ]
    converse.script = [roleOnly, 'hang']
    const data = await sseData(await postChat(app, { ...hello, stream: true }))
    expect(data.at(-1)).toBe('[DONE]')
    expect([callsOf(converse), callsOf(mantle)]).toEqual([1, 1])
  })
})
