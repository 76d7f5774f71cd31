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
