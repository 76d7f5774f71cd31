import { describe, expect, it } from 'vitest'
import { nextLoopDelay } from './loop-delay.ts'

const INTERVAL = 25

function run(delayMs: number, elapsed: number[]): number[] {
  return elapsed.map(
    (elapsedMs) => (delayMs = nextLoopDelay(delayMs, { elapsedMs, intervalMs: INTERVAL })),
  )
}

describe('the smoothed delay of the event loop', () => {
  it('stays at zero while timers fire on time', () => {
    expect(run(0, Array<number>(200).fill(INTERVAL)).at(-1)).toBe(0)
  })

  it('moves little for a lone pause such as a garbage collection', () => {
    const delays = run(0, [25, 25, 125, 25, 25, 25])
    expect(Math.max(...delays)).toBeGreaterThan(10)
    expect(Math.max(...delays)).toBeLessThan(30)
  })

  it('follows a loop running 200 ms late within about half a second', () => {
    // A saturated loop samples rarely: each sample covers the 225 ms its turn took.
    const delays = run(0, [225, 225, 225])
    expect(delays[0]).toBeGreaterThan(50)
    expect(delays[1]).toBeGreaterThan(100)
    expect(delays.at(-1)).toBeLessThanOrEqual(200)
  })

  it('decays within about a second once the loop is on time again', () => {
    const delays = run(200, Array<number>(40).fill(INTERVAL))
    expect(delays[3]).toBeGreaterThan(100)
    expect(delays.at(-1)).toBeLessThan(30)
  })

  it('counts the wait of queued stream reads when timers fire on time', () => {
    // Established streams' reads run a few milliseconds a turn (streaming/read-queue.ts): a
    // process with more work than CPU keeps its timers on time and lets those reads fall behind.
    let delayMs = 0
    for (let sample = 0; sample < 80; sample++)
      delayMs = nextLoopDelay(delayMs, { elapsedMs: INTERVAL, intervalMs: INTERVAL, queuedMs: 150 })
    expect(delayMs).toBeGreaterThan(140)
    expect(delayMs).toBeLessThanOrEqual(150)
    // Whichever is later counts, not their sum.
    expect(
      nextLoopDelay(0, { elapsedMs: 1025, intervalMs: INTERVAL, queuedMs: 100 }),
    ).toBeGreaterThan(600)
  })
})
