import { describe, expect, it, vi } from 'vitest'
import {
  completionFor,
  createTestApp,
  postChat,
  textChunk,
  usageChunk,
} from '../../test-support/app-test-kit.ts'
import { GatewayError } from '../errors/gateway-error.ts'
import type { RecordListener, RequestRecord } from '../observe/request-record.ts'
import { OVERHEAD_HEADER } from '../observe/request-record.ts'

const hello = { model: 'claude', messages: [{ role: 'user', content: 'Hi' }] }
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function recordingApp() {
  const closed: RequestRecord[] = []
  const listener: RecordListener = { finished: (record) => closed.push({ ...record }) }
  return { ...createTestApp({ requestListeners: [listener] }), closed }
}

describe('x-strata-overhead-ms', () => {
  it('tells a JSON answer the time not spent waiting on the model', async () => {
    const { app, backend, closed } = recordingApp()
    backend.completeWith = async (call) => {
      await sleep(60)
      return completionFor(call)
    }
    const started = performance.now()
    const response = await postChat(app, hello)
    const total = performance.now() - started
    const overhead = Number(response.headers.get(OVERHEAD_HEADER))
    expect(overhead).toBeGreaterThanOrEqual(0)
    expect(overhead).toBeLessThan(total - 55)
    expect(closed[0]?.upstreamMs).toBeGreaterThanOrEqual(55)
  })

  it('is sent with error answers too', async () => {
    const { app, backend } = recordingApp()
    backend.completeWith = () => Promise.reject(new GatewayError(429, 'rate_limit_error', 'slow'))
    const response = await postChat(app, hello)
    expect(response.status).toBe(429)
    expect(Number(response.headers.get(OVERHEAD_HEADER))).toBeGreaterThanOrEqual(0)
  })

  it('on a stream carries the overhead up to the first byte', async () => {
    const { app, backend } = recordingApp()
    backend.script = [{ delayMs: 40 }, textChunk('Hel'), textChunk('lo', 'stop'), usageChunk()]
    const started = performance.now()
    const response = await postChat(app, { ...hello, stream: true })
    const untilHeaders = performance.now() - started
    expect(Number(response.headers.get(OVERHEAD_HEADER))).toBeLessThan(untilHeaders - 35)
    await response.text()
  })
})

describe('upstream time of a stream', () => {
  // On fake timers (which the test app's clock follows) the stream lasts exactly its two waits:
  // against real sleeps, a starved machine made the gateway's own share the larger one.
  it('counts every wait on the model, not only the first', async () => {
    vi.useFakeTimers()
    try {
      const { app, backend, closed } = recordingApp()
      backend.script = [
        textChunk('Hel'),
        { delayMs: 40 },
        textChunk('lo'),
        { delayMs: 40 },
        textChunk('!', 'stop'),
        usageChunk(),
      ]
      const response = await postChat(app, { ...hello, stream: true })
      const text = response.text()
      await vi.advanceTimersByTimeAsync(80)
      await text
      const record = closed[0]
      expect((record?.finishedAt ?? 0) - (record?.startedAt ?? 0)).toBe(80)
      expect(record?.upstreamMs).toBe(80)
    } finally {
      vi.useRealTimers()
    }
  })
})
