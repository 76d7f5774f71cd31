import { describe, expect, it } from 'vitest'
import { RateLimiter } from './rate-limiter.ts'
import { WorkQueue, type ReconcileOutcome } from './work-queue.ts'

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms))

function recordingQueue(handler: (key: string) => Promise<ReconcileOutcome>, concurrency = 2) {
  const errors: string[] = []
  const queue = new WorkQueue({
    handler,
    concurrency,
    onError: (key, error) => errors.push(`${key}: ${String(error)}`),
    limiter: new RateLimiter({ baseDelayMs: 1, qps: 1000, burst: 1000 }),
  })
  return { queue, errors }
}

describe('WorkQueue', () => {
  it('handles nothing while held, then every key queued meanwhile once started', async () => {
    const seen: string[] = []
    const queue = new WorkQueue({
      handler: (key) => {
        seen.push(key)
        return Promise.resolve(undefined)
      },
      onError: () => undefined,
      held: true,
    })
    queue.add('a')
    queue.add('b')
    queue.add('a')
    await tick(20)
    expect(seen).toEqual([])
    queue.start()
    await tick(20)
    expect(seen).toEqual(['a', 'b'])
  })

  it('queues a key once however often it is added', async () => {
    const seen: string[] = []
    const { queue } = recordingQueue(async (key) => {
      seen.push(key)
      await tick(5)
      return undefined
    }, 1)
    queue.add('a')
    queue.add('b')
    queue.add('b')
    queue.add('b')
    await tick(40)
    expect(seen).toEqual(['a', 'b'])
  })

  it('never handles one key on two workers, and handles it again when it changed meanwhile', async () => {
    let running = 0
    let maxRunning = 0
    let calls = 0
    const { queue } = recordingQueue(async () => {
      calls++
      running++
      maxRunning = Math.max(maxRunning, running)
      await tick(10)
      running--
      return undefined
    }, 4)
    queue.add('a')
    await tick(2)
    queue.add('a') // arrives while 'a' is being handled
    queue.add('a')
    await tick(50)
    expect(maxRunning).toBe(1)
    expect(calls).toBe(2)
  })

  it('retries a failing key with growing backoff and reports each error', async () => {
    const attempts: number[] = []
    const { queue, errors } = recordingQueue(() => {
      attempts.push(Date.now())
      return attempts.length < 4
        ? Promise.reject(new Error('throttled'))
        : Promise.resolve(undefined)
    })
    queue.add('k')
    await tick(100)
    expect(attempts).toHaveLength(4)
    expect(errors).toEqual(['k: Error: throttled', 'k: Error: throttled', 'k: Error: throttled'])
  })

  it('requeues after the delay a handler asks for, keeping only the soonest pending delay', async () => {
    let calls = 0
    const { queue } = recordingQueue(() => {
      calls++
      return Promise.resolve(calls === 1 ? { requeueAfterMs: 20 } : undefined)
    })
    queue.add('k')
    queue.addAfter('k', 10_000)
    await tick(60)
    expect(calls).toBe(2)
    await queue.shutdown()
  })

  it('shutdown waits for work in progress and takes no more', async () => {
    let finished = false
    const { queue } = recordingQueue(async () => {
      await tick(20)
      finished = true
      return undefined
    })
    queue.add('k')
    await tick(1)
    await queue.shutdown()
    expect(finished).toBe(true)
    queue.add('k2')
    expect(queue.depth).toBe(0)
  })
})

describe('RateLimiter', () => {
  it('doubles the per-key delay and resets on forget', () => {
    const limiter = new RateLimiter({ baseDelayMs: 5, maxDelayMs: 30, qps: 1000, burst: 1000 })
    expect([1, 2, 3, 4, 5].map(() => limiter.when('k'))).toEqual([5, 10, 20, 30, 30])
    limiter.forget('k')
    expect(limiter.when('k')).toBe(5)
  })

  it('makes callers wait once the global bucket is empty', () => {
    let now = 0
    const limiter = new RateLimiter({ baseDelayMs: 0, qps: 10, burst: 2, now: () => now })
    expect(limiter.when('a')).toBe(0)
    expect(limiter.when('b')).toBe(0)
    expect(limiter.when('c')).toBe(100)
    now += 1000
    expect(limiter.when('d')).toBe(0)
  })
})
