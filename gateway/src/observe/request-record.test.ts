import { describe, expect, it, vi } from 'vitest'
import { createTestApp, postChat, textChunk, usageChunk } from '../../test-support/app-test-kit.ts'
import { GatewayError } from '../errors/gateway-error.ts'
import type { RecordListener, RequestRecord } from './request-record.ts'

const hello = { model: 'claude', messages: [{ role: 'user', content: 'Hi' }] }

/** A test app whose listener keeps every closed record, and the in-flight gauge's value. */
function recordingApp() {
  const closed: RequestRecord[] = []
  const listener: RecordListener = { finished: (record) => closed.push({ ...record }) }
  const testApp = createTestApp({ requestListeners: [listener] })
  const inFlight = async (): Promise<number> =>
    (await testApp.deps.metrics.inFlight.get()).values.reduce((sum, v) => sum + v.value, 0)
  return { ...testApp, closed, inFlight }
}

describe('the request record', () => {
  it('closes a JSON answer with its route, backend, usage and status', async () => {
    const { app, closed, inFlight } = recordingApp()
    const response = await postChat(app, hello)
    expect(response.status).toBe(200)
    expect(closed).toHaveLength(1)
    expect(closed[0]).toMatchObject({
      operation: 'chat',
      stream: false,
      model: 'claude',
      status: 200,
      attempts: 1,
      backend: { kind: 'converse' },
      route: { name: 'claude' },
      usage: { input: 3, output: 2, reasoning: 0 },
    })
    expect(closed[0]?.project?.projectId).toBe('proj_support')
    expect(closed[0]?.finishedAt).toBeGreaterThanOrEqual(closed[0]?.startedAt ?? Infinity)
    expect(await inFlight()).toBe(0)
  })

  it('keeps a stream open until its last byte, then counts its usage', async () => {
    const { app, closed, inFlight } = recordingApp()
    const response = await postChat(app, { ...hello, stream: true })
    expect(response.status).toBe(200)
    expect(closed).toHaveLength(0)
    expect(await inFlight()).toBe(1)
    await response.text()
    expect(closed).toHaveLength(1)
    expect(closed[0]).toMatchObject({ stream: true, status: 200, usage: { input: 3, output: 2 } })
    expect(closed[0]?.error).toBeUndefined()
    expect(await inFlight()).toBe(0)
  })

  // The wait for the first chunk is the attempt's upstream time, counted once: counted twice, a
  // stream's overhead (duration minus upstream time) read as zero. On fake timers (which the
  // test app's clock follows) the wait is exactly 80 ms: against real sleeps, a starved machine
  // stretched it past any fixed bound.
  it("counts a stream's wait for its first chunk as upstream time once", async () => {
    vi.useFakeTimers()
    try {
      const { app, backend, closed } = recordingApp()
      backend.script = [{ delayMs: 80 }, textChunk('Hi', 'stop'), usageChunk()]
      const answer = postChat(app, { ...hello, stream: true })
      await vi.advanceTimersByTimeAsync(80)
      await (await answer).text()
      const record = closed[0]
      expect(record?.upstreamMs).toBe(80)
      expect((record?.finishedAt ?? 0) - (record?.startedAt ?? 0)).toBe(80)
    } finally {
      vi.useRealTimers()
    }
  })

  it('closes a stream the client abandons, as a client abort', async () => {
    const { app, backend, closed, inFlight } = recordingApp()
    backend.script = [textChunk('Hel'), 'hang']
    const response = await postChat(app, { ...hello, stream: true })
    const reader = response.body?.getReader()
    await reader?.read()
    await reader?.cancel()
    expect(closed).toHaveLength(1)
    expect(closed[0]?.error?.status).toBe(499)
    expect(await inFlight()).toBe(0)
  })

  it('closes a stream that fails after it started, keeping its 200 and the error', async () => {
    const { app, backend, closed } = recordingApp()
    backend.script = [
      textChunk('Hel'),
      new GatewayError(503, 'server_error', 'gone', { code: 'service_unavailable' }),
    ]
    const response = await postChat(app, { ...hello, stream: true })
    await response.text()
    expect(closed).toHaveLength(1)
    expect(closed[0]).toMatchObject({ status: 200, error: { status: 503 } })
  })

  it('records an upstream failure before the first byte as the error answer', async () => {
    const { app, backend, closed, inFlight } = recordingApp()
    backend.completeWith = () =>
      Promise.reject(new GatewayError(429, 'rate_limit_error', 'slow down'))
    const response = await postChat(app, hello)
    expect(response.status).toBe(429)
    expect(closed[0]).toMatchObject({ status: 429, error: { status: 429 }, attempts: 1 })
    expect(await inFlight()).toBe(0)
  })

  it('records a refused key without starting an operation', async () => {
    const { app, closed, inFlight } = recordingApp()
    const response = await postChat(app, hello, {
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer nope' },
    })
    expect(response.status).toBe(401)
    expect(closed[0]).toMatchObject({ status: 401, operation: undefined })
    expect(await inFlight()).toBe(0)
  })

  it('a listener that throws costs the client nothing', async () => {
    const boom: RecordListener = {
      finished: () => {
        throw new Error('boom')
      },
    }
    const { app } = createTestApp({ requestListeners: [boom] })
    expect((await postChat(app, hello)).status).toBe(200)
  })
})
