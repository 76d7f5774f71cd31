// A gateway process offered twice its capacity sheds instead of collapsing. In production a pod's
// capacity is set by the model's time, not its own CPU: Bedrock answers in hundreds of milliseconds
// to seconds, so --max-in-flight requests in flight fill long before a core does. This journey
// builds that regime: a 300 ms model and --max-in-flight 16, so capacity is 16 / 0.3 s, about 53
// requests a second. Open-loop load (every latency from its scheduled start, so a queue is
// charged) is offered at half capacity, twice capacity, and half again. At twice capacity the
// admitted requests take the model's time, the excess is refused faster than any answer could
// come, all with 503 and Retry-After, and half capacity is served whole right after.
// The CPU-bound curve, half to twice the CPU capacity, is a benchmark (test/bench/overload-curve.ts)
// because on a shared 2-core machine its latencies measure the neighbours as much as the gateway.
// Figures go to stdout with an [overload] prefix.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runOpenLoop, type OpenLoopResult } from '../bench/open-loop-client.ts'
import { DEMO_KEY, startJourney, type Journey } from '../support/journey.ts'

const MAX_IN_FLIGHT = 16
const MODEL_MS = 300
const CAPACITY = Math.round(MAX_IN_FLIGHT / (MODEL_MS / 1000))

let journey: Journey

beforeAll(async () => {
  journey = await startJourney('overload-open-loop', {
    gatewayArgs: ['--max-in-flight', String(MAX_IN_FLIGHT), '--no-access-log'],
  })
  // More scripted answers than the run can use, each taking the model's time.
  await journey.bedrock.script({
    times: 5_000,
    scenario: { reply: { text: 'Paced answer.' }, firstTokenDelayMs: MODEL_MS },
  })
})

afterAll(async () => {
  await journey.stop()
})

const offer = (rate: number, seconds: number): Promise<OpenLoopResult> =>
  runOpenLoop({
    spec: {
      url: `${journey.gateway.url}/v1/chat/completions`,
      headers: { authorization: `Bearer ${DEMO_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude', messages: [{ role: 'user', content: 'Hi' }] }),
    },
    rate,
    seconds,
    connections: 256,
  })

const line = (label: string, result: OpenLoopResult): string =>
  [
    `[overload] ${label}: offered ${String(result.rate)}/s`,
    `achieved ${result.achievedRate.toFixed(0)}/s`,
    `served ${String(result.served)} (p50 ${result.servedLatency.p50.toFixed(0)} ms, p99 ${result.servedLatency.p99.toFixed(0)} ms)`,
    `refused ${String(result.refused)} (p50 ${result.refusedLatency.p50.toFixed(0)} ms, p99 ${result.refusedLatency.p99.toFixed(0)} ms)`,
    `failed ${String(result.failed)}`,
  ].join(' | ')

describe('open-loop load at twice capacity', () => {
  it('keeps admitted requests at the model time, refuses the excess at once, and recovers', async () => {
    // Warm-up, not asserted: first connections and a cold JIT are not what this measures.
    await offer(CAPACITY / 2, 1)
    const before = await offer(CAPACITY / 2, 3)
    const overloaded = await offer(CAPACITY * 2, 5)
    const after = await offer(CAPACITY / 2, 3)
    console.log(
      [
        `[overload] capacity ${String(CAPACITY)}/s (--max-in-flight ${String(MAX_IN_FLIGHT)}, model ${String(MODEL_MS)} ms)`,
        line('0.5x', before),
        line('2x', overloaded),
        line('0.5x after', after),
      ].join('\n'),
    )
    // Half capacity is served, before and after (a busy shared machine may bunch a few requests
    // past the bound; none may fail).
    for (const calm of [before, after]) {
      expect(calm.failed, JSON.stringify(calm.statuses)).toBe(0)
      expect(calm.served, JSON.stringify(calm.statuses)).toBeGreaterThanOrEqual(calm.sent * 0.95)
      expect(calm.servedLatency.p99).toBeLessThan(MODEL_MS * 4)
    }
    // At twice capacity: about capacity is served, in about the model's time, not a queue's.
    expect(overloaded.failed, JSON.stringify(overloaded.statuses)).toBe(0)
    expect(overloaded.achievedRate).toBeGreaterThan(CAPACITY * 0.7)
    expect(overloaded.servedLatency.p99).toBeLessThan(MODEL_MS * 4)
    // The excess is refused at once, each retryable: typically faster than any answer could come,
    // and never after a queue's wait.
    expect(overloaded.refused).toBeGreaterThan(overloaded.sent * 0.3)
    expect(overloaded.refusedWithoutRetryAfter).toBe(0)
    expect(overloaded.refusedLatency.p50).toBeLessThan(MODEL_MS / 2)
    expect(overloaded.refusedLatency.p99).toBeLessThan(MODEL_MS * 2)
  })
})
