// A gateway process offered twice its capacity sheds instead of collapsing. The process runs as
// the chart deploys it (heap flags, gateway.maxInFlightRequests as --max-in-flight) on the
// emulator's instant answers, so its own CPU is the limit. Its capacity is measured closed-loop
// first, its unloaded latency at half that rate open-loop, then it is offered twice capacity
// open-loop: the requests it admits keep a bounded p99, the excess is refused fast with 503 and
// Retry-After, nothing else fails, and the next request after the load is served. The bounds are
// relative to the same run's figures and generous, because the 2-core machine is shared; the
// curve from half to twice capacity is a benchmark (test/bench/overload-curve.ts). Figures go to
// stdout with an [overload] prefix.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { curveLine, startOverloadWorld, type OverloadWorld } from '../bench/overload-run.ts'

let world: OverloadWorld

beforeAll(async () => {
  world = await startOverloadWorld('overload-open-loop')
})

afterAll(async () => {
  await world.stop()
})

/** An admitted request may wait this many times the unloaded p99 (and never less than this). */
const SERVED_P99_FACTOR = 25
const SERVED_P99_FLOOR_MS = 500

describe('open-loop load at twice capacity', () => {
  it('keeps admitted requests fast, refuses the excess at once, and serves the next request', async () => {
    await world.capacity(2)
    const capacity = await world.capacity(4)
    expect(capacity.failures).toBe(0)
    const unloaded = await world.offer(Math.round(capacity.requestsPerSecond * 0.5), 3)
    const overloaded = await world.offer(Math.round(capacity.requestsPerSecond * 2), 5)
    const next = await world.nextRequest()
    console.log(
      `[overload] capacity ${String(Math.round(capacity.requestsPerSecond))}/s closed-loop (wrk -c32), --max-in-flight ${String(world.maxInFlight)}\n[overload] ${curveLine(0.5, unloaded)}\n[overload] ${curveLine(2, overloaded)}\n[overload] next request after the load: ${String(next.status)} in ${next.ms.toFixed(1)} ms`,
    )
    expect(unloaded.failed).toBe(0)
    const bound = Math.max(SERVED_P99_FLOOR_MS, SERVED_P99_FACTOR * unloaded.servedLatency.p99)
    // Served: at least the half-capacity rate still gets through, with a bounded p99.
    expect(overloaded.served).toBeGreaterThan(overloaded.sent * 0.25)
    expect(overloaded.servedLatency.p99).toBeLessThan(bound)
    // Refused: some, all retryable with Retry-After, within the same bound; nothing else.
    expect(overloaded.refused).toBeGreaterThan(0)
    expect(overloaded.refusedWithoutRetryAfter).toBe(0)
    expect(overloaded.refusedLatency.p99).toBeLessThan(bound)
    expect(overloaded.failed).toBe(0)
    expect(next.status).toBe(200)
  }, 120_000)
})
