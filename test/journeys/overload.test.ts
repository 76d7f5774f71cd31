// Past its capacity a gateway process sheds instead of queueing: with --max-in-flight 8 and a
// model that takes 400 ms, 40 simultaneous requests get 8 answers in about the model's time and 32
// refusals at once (503 overloaded, Retry-After), none waiting behind the others; once the burst
// is over the next request is served. Figures go to stdout with an [overload] prefix.
import { APIError } from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startJourney, type Journey } from '../support/journey.ts'

let journey: Journey

beforeAll(async () => {
  journey = await startJourney('overload', { gatewayArgs: ['--max-in-flight', '8'] })
})

afterAll(async () => {
  await journey.stop()
})

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
}

describe('a burst past the in-flight bound', () => {
  it('serves what it admits in the model time, refuses the rest at once, then recovers', async () => {
    await journey.bedrock.script({
      times: 40,
      scenario: { reply: { text: 'Slow answer.' }, firstTokenDelayMs: 400 },
    })
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, async () => {
        const started = performance.now()
        try {
          await journey.openai.chat.completions.create({
            model: 'claude',
            messages: [{ role: 'user', content: 'Hi' }],
          })
          return { served: true, ms: performance.now() - started }
        } catch (error) {
          const refusal = error as APIError
          expect(refusal.status).toBe(503)
          expect(refusal.code).toBe('overloaded')
          expect(refusal.headers?.get('retry-after')).toBe('1')
          // A retry comes on a new connection, which a Service may send to another replica.
          expect(refusal.headers?.get('connection')).toBe('close')
          return { served: false, ms: performance.now() - started }
        }
      }),
    )
    const served = outcomes.filter((outcome) => outcome.served).map((outcome) => outcome.ms)
    const refused = outcomes.filter((outcome) => !outcome.served).map((outcome) => outcome.ms)
    console.log(
      `[overload] 40 at once, bound 8, model 400 ms: ${served.length} served (p99 ${Math.round(percentile(served, 99))} ms), ${refused.length} refused (p99 ${Math.round(percentile(refused, 99))} ms)`,
    )
    expect(served).toHaveLength(8)
    expect(refused).toHaveLength(32)
    // Admitted requests take the model's time, not a queue's; refusals take no model time at all:
    // every one comes before the fastest answer (a bound relative to the same burst, because on a
    // busy shared machine both carry the same scheduling delays).
    expect(percentile(served, 99)).toBeLessThan(2_000)
    expect(percentile(refused, 99)).toBeLessThan(Math.min(...served))

    const after = await journey.openai.chat.completions.create({
      model: 'claude',
      messages: [{ role: 'user', content: 'Hi again' }],
    })
    expect(after.choices).toHaveLength(1)
  })
})
