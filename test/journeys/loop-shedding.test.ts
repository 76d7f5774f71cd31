// A gateway process starved of CPU (a pod throttled by its CPU limit, or saturated by its own
// streams) runs its event loop late. With --shed-loop-delay-ms it then bounds the model requests
// in flight below what it holds and refuses the excess at once with 503 overloaded and
// Retry-After, instead of letting every request, old and new, slow down together; once it catches
// up it serves again. Without the flag the same starvation only makes answers slow. The starvation here is real: the test stops the gateway process with
// SIGSTOP for 150 ms of every 180 ms, as the kernel's CFS quota stops a throttled container.
import { APIError } from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startJourney, type Journey } from '../support/journey.ts'

let shedding: Journey
let plain: Journey

beforeAll(async () => {
  ;[shedding, plain] = await Promise.all([
    startJourney('loop-shedding', { gatewayArgs: ['--shed-loop-delay-ms', '100'] }),
    startJourney('loop-no-shedding'),
  ])
})

afterAll(async () => {
  await Promise.all([shedding.stop(), plain.stop()])
})

/** Stops and continues `pid` in turn until the returned function is called. */
function starve(pid: number): () => void {
  let running = true
  let timer: NodeJS.Timeout | undefined
  const cycle = (): void => {
    if (!running) return
    process.kill(pid, 'SIGSTOP')
    timer = setTimeout(() => {
      process.kill(pid, 'SIGCONT')
      if (running) timer = setTimeout(cycle, 30)
    }, 150)
  }
  cycle()
  return () => {
    running = false
    clearTimeout(timer)
    process.kill(pid, 'SIGCONT')
  }
}

const chat = (journey: Journey) =>
  journey.openai.chat.completions.create({
    model: 'claude',
    messages: [{ role: 'user', content: 'Hi' }],
  })

async function metric(journey: Journey, name: string): Promise<number | undefined> {
  const text = await (await fetch(`${journey.gateway.url}/metrics`)).text()
  const line = text.split('\n').find((row) => row.startsWith(`${name} `))
  if (line === undefined) return undefined
  const value = line.split(' ')[1]
  // The exposition format writes infinity as +Inf.
  return value === '+Inf' ? Number.POSITIVE_INFINITY : Number(value)
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('a gateway whose event loop runs late', () => {
  it('refuses most new model requests at once while starved, and serves again once it catches up', async () => {
    expect((await chat(shedding)).choices).toHaveLength(1)
    expect(await metric(shedding, 'strata_gateway_admission_limit')).toBe(Number.POSITIVE_INFINITY)

    // A model that takes a second, so that the requests admitted stay in flight together.
    await shedding.bedrock.script({
      times: 12,
      scenario: { reply: { text: 'Slow answer.' }, firstTokenDelayMs: 1_000 },
    })
    const resume = starve(shedding.gateway.process.pid)
    let outcomes: { status: number | undefined; code: unknown; retryAfter: unknown; ms: number }[]
    try {
      await sleep(1_500)
      outcomes = await Promise.all(
        Array.from({ length: 12 }, async () => {
          const started = performance.now()
          try {
            await chat(shedding)
            return { status: 200, code: undefined, retryAfter: undefined, ms: 0 }
          } catch (error) {
            const refusal = error as APIError
            return {
              status: refusal.status,
              code: refusal.code,
              retryAfter: refusal.headers?.get('retry-after'),
              ms: performance.now() - started,
            }
          }
        }),
      )
      expect(await metric(shedding, 'strata_gateway_loop_delay_seconds')).toBeGreaterThan(0.05)
      expect(await metric(shedding, 'strata_gateway_admission_limit')).toBeLessThanOrEqual(4)
    } finally {
      resume()
    }
    const refused = outcomes.filter((outcome) => outcome.status !== 200)
    // A starved process still admits a few (it must, to find out when it has caught up).
    expect(refused.length).toBeGreaterThanOrEqual(8)
    for (const outcome of refused) {
      expect(outcome).toMatchObject({ status: 503, code: 'overloaded', retryAfter: '1' })
      // Answered within a few of the starvation's cycles, with no model time spent.
      expect(outcome.ms).toBeLessThan(2_000)
    }

    // Caught up: the smoothed delay decays within about a second and the limit grows back.
    let served = 0
    for (let attempt = 0; attempt < 50 && served < 3; attempt++) {
      const ok = await chat(shedding).then(
        () => true,
        () => false,
      )
      if (ok) served++
      else await sleep(100)
    }
    expect(served).toBe(3)
    expect(await metric(shedding, 'strata_gateway_loop_delay_seconds')).toBeLessThan(0.05)
  })

  it('without --shed-loop-delay-ms, the same starvation only slows answers down', async () => {
    expect(await metric(plain, 'strata_gateway_admission_limit')).toBeUndefined()
    const resume = starve(plain.gateway.process.pid)
    try {
      await sleep(1_500)
      const answers = await Promise.all(Array.from({ length: 12 }, () => chat(plain)))
      expect(answers.every((answer) => answer.choices.length === 1)).toBe(true)
    } finally {
      resume()
    }
  })
})
