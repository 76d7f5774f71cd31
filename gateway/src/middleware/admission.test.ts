import { describe, expect, it } from 'vitest'
import {
  authorized,
  createTestApp,
  postChat,
  textChunk,
  usageChunk,
} from '../../test-support/app-test-kit.ts'

describe('admission', () => {
  it('refuses requests past the bound at once with a retryable 503, and admits again once they end', async () => {
    const { app, backend } = createTestApp({
      options: { maxBodyBytes: 1_000_000, keepAliveMs: 15_000, maxInFlight: 2 },
    })
    backend.script = [{ delayMs: 300 }, textChunk('Hi', 'stop'), usageChunk()]
    const streams = [0, 1].map(() =>
      postChat(app, { model: 'claude', messages: [{ role: 'user', content: 'Hi' }], stream: true }),
    )
    const open = await Promise.all(streams)
    expect(open.map((response) => response.status)).toEqual([200, 200])

    const refused = await app.request('/v1/chat/completions', {
      method: 'POST',
      headers: { ...authorized(), 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude', messages: [{ role: 'user', content: 'Hi' }] }),
    })
    expect(refused.status).toBe(503)
    expect(refused.headers.get('retry-after')).toBe('1')
    expect(await refused.json()).toMatchObject({
      error: { type: 'server_error', code: 'overloaded' },
    })
    // Listing models is not a model request: never refused.
    expect((await app.request('/v1/models', { headers: authorized() })).status).toBe(200)

    await Promise.all(open.map((response) => response.text()))
    backend.script = []
    const served = await postChat(app, {
      model: 'claude',
      messages: [{ role: 'user', content: 'Hi' }],
    })
    expect(served.status).toBe(200)
  })
})

describe('admission while the event loop runs late', () => {
  it('bounds model requests in flight below what was in flight while late, and admits again once on time', async () => {
    let delayMs = 0
    let clock = 0
    const { app, backend } = createTestApp({
      now: () => clock,
      loopDelay: { delayMs: () => delayMs, boundMs: 100 },
    })
    const chat = { model: 'claude', messages: [{ role: 'user', content: 'Hi' }] }
    const streamed = { ...chat, stream: true }
    backend.script = [{ delayMs: 300 }, textChunk('Hi', 'stop'), usageChunk()]
    // On time: no bound at all.
    const early = await Promise.all(Array.from({ length: 6 }, () => postChat(app, streamed)))
    expect(early.map((response) => response.status)).toEqual(Array<number>(6).fill(200))

    // Late with six in flight: the bound falls to 90 % of them (five), so one more is refused.
    delayMs = 500
    clock += 1_000
    const refused = await postChat(app, chat)
    expect(refused.status).toBe(503)
    expect(refused.headers.get('retry-after')).toBe('1')
    const { error } = (await refused.json()) as { error: Record<string, unknown> }
    expect(error).toMatchObject({ type: 'server_error', code: 'overloaded' })
    expect(error['message']).toMatch(/busy/)
    // Operations endpoints and the model list cost nothing and are never refused.
    expect((await app.request('/v1/models', { headers: authorized() })).status).toBe(200)
    expect((await app.request('/healthz')).status).toBe(200)

    // The streams end, the loop catches up, and the bound lets requests in again.
    await Promise.all(early.map((response) => response.text()))
    delayMs = 0
    clock += 1_000
    backend.script = []
    expect((await postChat(app, chat)).status).toBe(200)
  })
})
