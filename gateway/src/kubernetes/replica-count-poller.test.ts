import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { pollReplicaCount } from './replica-count-poller.ts'

/** A reader whose answers the test scripts: a number, or an error to throw. */
function scriptedReader(answers: (number | Error)[]) {
  const calls: AbortSignal[] = []
  let last: number | Error = 1
  const read = (signal: AbortSignal): Promise<number> => {
    calls.push(signal)
    last = answers.shift() ?? last
    return last instanceof Error ? Promise.reject(last) : Promise.resolve(last)
  }
  return { read, calls }
}

describe('replica count poller', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('reads at once, then every interval, reporting each change', async () => {
    const reader = scriptedReader([1, 1, 3, 3, 2])
    const changes: [number, number | undefined][] = []
    const poller = pollReplicaCount({
      read: reader.read,
      intervalMs: 5_000,
      log: () => undefined,
      onChange: (count, previous) => changes.push([count, previous]),
    })
    await poller.ready
    expect(poller.current()).toBe(1)
    for (const expected of [1, 3, 3, 2]) {
      await vi.advanceTimersByTimeAsync(5_000)
      expect(poller.current()).toBe(expected)
    }
    expect(reader.calls).toHaveLength(5)
    expect(changes).toEqual([
      [1, undefined],
      [3, 1],
      [2, 3],
    ])
    poller.close()
  })

  it('keeps the last count while reads fail, logs once per outage, and never throws', async () => {
    const forbidden = new Error('403 endpointslices is forbidden')
    const reader = scriptedReader([4, forbidden, forbidden, forbidden, 5, forbidden])
    const logs: string[] = []
    const poller = pollReplicaCount({
      read: reader.read,
      intervalMs: 1_000,
      log: (message) => logs.push(message),
    })
    await poller.ready
    await vi.advanceTimersByTimeAsync(3_000)
    expect(poller.current()).toBe(4)
    expect(logs).toHaveLength(1)
    expect(logs[0]).toMatch(/unreadable \(403 endpointslices is forbidden\); keeping 4/)
    await vi.advanceTimersByTimeAsync(1_000)
    expect(poller.current()).toBe(5)
    expect(logs[1]).toBe('replica count readable again: 5')
    await vi.advanceTimersByTimeAsync(1_000)
    expect(poller.current()).toBe(5)
    expect(logs).toHaveLength(3)
    poller.close()
  })

  it('has no count until a read succeeds, and is ready after a first read that failed', async () => {
    const reader = scriptedReader([new Error('connect ECONNREFUSED'), 2])
    const logs: string[] = []
    const poller = pollReplicaCount({
      read: reader.read,
      intervalMs: 1_000,
      log: (message) => logs.push(message),
    })
    await poller.ready
    expect(poller.current()).toBeUndefined()
    expect(logs[0]).toMatch(/no count yet, so 1/)
    await vi.advanceTimersByTimeAsync(1_000)
    expect(poller.current()).toBe(2)
    poller.close()
  })

  it('abandons a read that hangs past its timeout, counting it as failed', async () => {
    let calls = 0
    const logs: string[] = []
    const poller = pollReplicaCount({
      read: (signal) => {
        calls++
        if (calls > 1) return Promise.resolve(6)
        return new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(new Error('aborted: read timed out')))
        })
      },
      intervalMs: 1_000,
      timeoutMs: 50,
      log: (message) => logs.push(message),
    })
    await vi.advanceTimersByTimeAsync(500)
    await poller.ready
    expect(logs[0]).toMatch(/timed out/)
    await vi.advanceTimersByTimeAsync(1_000)
    expect(poller.current()).toBe(6)
    poller.close()
  })

  it('reads no more once closed, and aborts a read in flight', async () => {
    const reader = scriptedReader([2, 2, 2])
    const poller = pollReplicaCount({ read: reader.read, intervalMs: 1_000, log: () => undefined })
    await poller.ready
    poller.close()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(reader.calls).toHaveLength(1)
    expect(reader.calls[0]?.aborted).toBe(true)
  })
})
