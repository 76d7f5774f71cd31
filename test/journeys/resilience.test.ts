// Resilience journeys against real processes (emulator + gateway) with the `openai` client and no
// client retries: a throttle storm (retry budget, fallback, a circuit that stays closed), a storm
// of server errors (breaker opening and recovering), a failure after the first byte, a slow first
// token, and a failing shadow backend.
// Figures go to stdout with a [resilience] prefix; docs/resilience.md quotes them.
import OpenAI, { APIError } from 'openai'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { eventually } from '../support/kube.ts'
import { startJourney, type Journey } from '../support/journey.ts'
import { fromLog } from '../support/processes.ts'
import {
  backend,
  callsPerModel,
  CLAUDE_MODEL_ID,
  GPT_OSS_MODEL_ID,
  inParallel,
  metricValue,
  NOVA_MODEL_ID,
  resilienceTable,
  route,
} from '../support/resilience-journey.ts'

const patientBreaker = { consecutiveFailures: 1000, minimumRequests: 10_000 }
const chain = () => [
  backend('primary', CLAUDE_MODEL_ID),
  backend('fallback', NOVA_MODEL_ID, { priority: 1 }),
]
const routes = [
  route('budget', chain(), { limits: { retryBudgetPercent: 20 }, breaker: patientBreaker }),
  route('storm', chain(), { breaker: { consecutiveFailures: 5, coolDownMs: 1_500 } }),
  // The default breaker (5 in a row, cool-down 30 s), one backend: nothing to fall back on.
  route('throttled', [backend('only', CLAUDE_MODEL_ID)]),
  route('chain', chain(), { breaker: patientBreaker }),
  route('slow', chain(), { limits: { timeouts: { firstTokenMs: 500 } }, breaker: patientBreaker }),
  route('idle', chain(), { limits: { timeouts: { idleMs: 400 } }, breaker: patientBreaker }),
  route('paced', [backend('only', CLAUDE_MODEL_ID)], { breaker: patientBreaker }),
  route(
    'shadowed',
    [
      backend('primary', CLAUDE_MODEL_ID),
      backend('candidate', GPT_OSS_MODEL_ID, { kind: 'mantle', weight: 0 }),
    ],
    { shadow: { backend: 'candidate', percent: 100 }, limits: { timeouts: { totalMs: 2_000 } } },
  ),
]

let journey: Journey

beforeAll(async () => {
  journey = await startJourney('resilience', { table: resilienceTable(1, routes) })
})

afterAll(async () => {
  await journey.stop()
})

beforeEach(async () => {
  await journey.bedrock.reset()
})

const ask = (model: string) => ({ model, messages: [{ role: 'user' as const, content: 'Hello' }] })

const throttleClaude = () =>
  journey.bedrock.script({
    match: { modelId: CLAUDE_MODEL_ID },
    times: 100_000,
    scenario: { fault: { kind: 'error', exception: 'ThrottlingException' } },
  })

describe('a throttle storm', () => {
  it('is not amplified: extra attempts stay within the retry budget, and some are served by the fallback', async () => {
    await throttleClaude()
    const requests = 100
    const results = await inParallel(requests, 10, () =>
      journey.openai.chat.completions.create(ask('budget')),
    )
    const calls = await callsPerModel(journey)
    const primary = calls.get(CLAUDE_MODEL_ID) ?? 0
    const fallback = calls.get(NOVA_MODEL_ID) ?? 0
    const served = results.filter((result) => result.status === 'fulfilled').length
    const refused = results.flatMap((result) =>
      result.status === 'rejected' ? [result.reason as unknown] : [],
    )
    console.log(
      `[resilience] budget storm: ${requests} client requests, ${primary + fallback} upstream attempts (${primary} primary, ${fallback} fallback), ${served} served, ${refused.length} answered 429`,
    )
    expect(primary).toBe(requests)
    // 20% of the requests plus the reserve of 5 per window.
    expect(primary + fallback).toBeLessThanOrEqual(requests * 1.2 + 5)
    expect(fallback).toBeGreaterThan(0)
    expect(served).toBe(fallback)
    for (const error of refused) {
      expect(error).toBeInstanceOf(OpenAI.RateLimitError)
      expect((error as APIError).code).toBe('rate_limit_exceeded')
    }
  })

  it('never opens the circuit: every client gets 429 with Retry-After, one upstream attempt each', async () => {
    await throttleClaude()
    const requests = 40
    const results = await inParallel(requests, 4, () =>
      journey.openai.chat.completions.create(ask('throttled')),
    )
    const attempts = (await callsPerModel(journey)).get(CLAUDE_MODEL_ID) ?? 0
    const answers = new Map<string, number>()
    for (const result of results) {
      const reason = result.status === 'rejected' ? (result.reason as APIError) : undefined
      const answer =
        reason === undefined
          ? '200'
          : `${reason.status} ${reason.code} Retry-After ${reason.headers?.get('retry-after')}`
      answers.set(answer, (answers.get(answer) ?? 0) + 1)
    }
    console.log(
      `[resilience] 429 storm, one backend, default breaker: ${requests} client requests, ${attempts} upstream attempts (${(attempts / requests).toFixed(2)} per request); clients received ${[...answers].map(([answer, n]) => `${n}× ${answer}`).join(', ')}`,
    )
    expect([...answers]).toEqual([['429 rate_limit_exceeded Retry-After 1', requests]])
    expect(attempts).toBe(requests)
    expect(
      await metricValue(
        journey,
        'strata_gateway_circuit_state{route="default/throttled",backend_name="only"}',
      ),
    ).toBe(0)
  })
})

describe('a storm of server errors', () => {
  it('opens the circuit of the failing backend, serves from the fallback, and recovers after the cool-down', async () => {
    await journey.bedrock.script({
      match: { modelId: CLAUDE_MODEL_ID },
      times: 100_000,
      scenario: { fault: { kind: 'error', exception: 'InternalServerException' } },
    })
    const requests = 40
    // One at a time, so that the count of calls the circuit let through is exact.
    const results = await inParallel(requests, 1, () =>
      journey.openai.chat.completions.create(ask('storm')),
    )
    const calls = await callsPerModel(journey)
    const attempts = (calls.get(CLAUDE_MODEL_ID) ?? 0) + (calls.get(NOVA_MODEL_ID) ?? 0)
    console.log(
      `[resilience] 5xx storm with breaker: ${requests} client requests, ${calls.get(CLAUDE_MODEL_ID) ?? 0} to the failing primary before its circuit opened, ${attempts} upstream attempts in all`,
    )
    expect(results.every((result) => result.status === 'fulfilled')).toBe(true)
    // Five failures in a row open the circuit; from then on the primary is skipped.
    expect(calls.get(CLAUDE_MODEL_ID)).toBe(5)
    expect(calls.get(NOVA_MODEL_ID)).toBe(requests)
    const series = 'strata_gateway_circuit_state{route="default/storm",backend_name="primary"}'
    expect(await metricValue(journey, series)).toBe(2)
    expect(
      await metricValue(
        journey,
        'strata_gateway_circuit_state{route="default/storm",backend_name="fallback"}',
      ),
    ).toBe(0)

    await journey.bedrock.reset()
    const storm = performance.now()
    await eventually(
      'the circuit to close after a probe',
      async () => {
        await journey.openai.chat.completions.create(ask('storm'))
        return (await metricValue(journey, series)) === 0 ? true : undefined
      },
      10_000,
    )
    const recoveredAfter = performance.now() - storm
    console.log(
      `[resilience] circuit closed ${Math.round(recoveredAfter)} ms after the storm ended (cool-down 1500 ms)`,
    )
    expect((await callsPerModel(journey)).get(CLAUDE_MODEL_ID)).toBeGreaterThanOrEqual(1)
  })
})

describe('a failure after the first byte', () => {
  it('reaches the client as an error event, with no fallback', async () => {
    await journey.bedrock.script({
      match: { modelId: CLAUDE_MODEL_ID },
      scenario: {
        reply: { text: 'This answer breaks off half-way through, after a few words.' },
        chunkSize: 5,
        fault: { kind: 'midStreamException', afterEvents: 5, exception: 'throttlingException' },
      },
    })
    const stream = await journey.openai.chat.completions.create({ ...ask('chain'), stream: true })
    let text = ''
    let failure: unknown
    try {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ''
    } catch (error) {
      failure = error
    }
    expect(failure).toBeInstanceOf(APIError)
    expect(text.length).toBeGreaterThan(0)
    const requests = await journey.bedrock.requests()
    expect(requests.map((request) => request.modelId)).toEqual([CLAUDE_MODEL_ID])
  })
})

describe('Retry-After', () => {
  it('a short pause is waited out and the same backend tried again', async () => {
    await journey.bedrock.script({
      match: { modelId: CLAUDE_MODEL_ID },
      scenario: {
        fault: { kind: 'error', exception: 'ThrottlingException', retryAfterSeconds: 1 },
      },
    })
    const started = performance.now()
    const completion = await journey.openai.chat.completions.create(ask('paced'))
    const elapsed = performance.now() - started
    console.log(
      `[resilience] Retry-After 1 s: served by the same backend after ${Math.round(elapsed)} ms`,
    )
    expect(completion.choices[0]?.message.content).toBeTruthy()
    expect(elapsed).toBeGreaterThanOrEqual(1_000)
    expect((await callsPerModel(journey)).get(CLAUDE_MODEL_ID)).toBe(2)
  })

  it('a long pause reaches the client as 429 with the same Retry-After, without a second call', async () => {
    await journey.bedrock.script({
      match: { modelId: CLAUDE_MODEL_ID },
      scenario: {
        fault: { kind: 'error', exception: 'ThrottlingException', retryAfterSeconds: 30 },
      },
    })
    const error = await journey.openai.chat.completions
      .create(ask('paced'))
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpenAI.RateLimitError)
    expect((error as APIError).headers?.get('retry-after')).toBe('30')
    expect((await callsPerModel(journey)).get(CLAUDE_MODEL_ID)).toBe(1)
  })
})

describe('a stream that falls silent', () => {
  it('ends with a stream_idle_timeout error event once the idle limit passes', async () => {
    await journey.bedrock.script({
      match: { modelId: CLAUDE_MODEL_ID },
      scenario: { reply: { text: 'word '.repeat(20) }, chunkSize: 5, tokenDelayMs: 3_000 },
    })
    const started = performance.now()
    const stream = await journey.openai.chat.completions.create({ ...ask('idle'), stream: true })
    let text = ''
    let failure: unknown
    try {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ''
    } catch (error) {
      failure = error
    }
    const elapsed = performance.now() - started
    console.log(
      `[resilience] silent stream: error event after ${Math.round(elapsed)} ms (idle limit 400 ms)`,
    )
    expect(text).toBe('word ')
    expect(failure).toBeInstanceOf(APIError)
    expect((failure as APIError).error).toMatchObject({
      type: 'timeout_error',
      code: 'stream_idle_timeout',
    })
    expect(elapsed).toBeLessThan(2_500)
    const requests = await journey.bedrock.requests()
    expect(requests.map((request) => request.modelId)).toEqual([CLAUDE_MODEL_ID])
  })
})

describe('a slow first token', () => {
  it.each([false, true])('times out and falls back (stream: %s)', async (stream) => {
    await journey.bedrock.script({
      match: { modelId: CLAUDE_MODEL_ID },
      scenario: { reply: { text: 'Too late.' }, firstTokenDelayMs: 5_000 },
    })
    const started = performance.now()
    let text = ''
    if (stream) {
      const chunks = await journey.openai.chat.completions.create({ ...ask('slow'), stream: true })
      for await (const chunk of chunks) text += chunk.choices[0]?.delta.content ?? ''
    } else {
      const completion = await journey.openai.chat.completions.create(ask('slow'))
      text = completion.choices[0]?.message.content ?? ''
    }
    const elapsed = performance.now() - started
    console.log(
      `[resilience] slow first token (stream ${stream}): answered by the fallback after ${Math.round(elapsed)} ms (first-token limit 500 ms)`,
    )
    expect(text).not.toContain('Too late.')
    expect(text.length).toBeGreaterThan(0)
    expect(elapsed).toBeLessThan(4_000)
    const requests = await eventually('the emulator to see the abort', async () => {
      const seen = await journey.bedrock.requests()
      return seen.some((request) => request.aborted === true) ? seen : undefined
    })
    expect(requests.map((request) => [request.modelId, request.aborted ?? false])).toEqual([
      [CLAUDE_MODEL_ID, true],
      [NOVA_MODEL_ID, false],
    ])
  })
})

describe('a shadow backend', () => {
  const shadowSeries = (outcome: string) =>
    `strata_gateway_shadow_requests_total{route="default/shadowed",outcome="${outcome}"}`

  it('failing or hanging never reaches the client', async () => {
    await journey.bedrock.script({
      match: { operation: 'mantle-chat' },
      times: 10,
      scenario: { fault: { kind: 'httpError', status: 500 } },
    })
    await journey.bedrock.script({
      match: { operation: 'mantle-chat' },
      times: 4,
      scenario: { fault: { kind: 'hang' } },
    })
    const latencies: number[] = []
    for (let i = 0; i < 14; i += 1) {
      const started = performance.now()
      if (i % 2 === 0) {
        const completion = await journey.openai.chat.completions.create(ask('shadowed'))
        expect(completion.choices[0]?.message.content).toBeTruthy()
      } else {
        const chunks = await journey.openai.chat.completions.create({
          ...ask('shadowed'),
          stream: true,
        })
        let text = ''
        for await (const chunk of chunks) text += chunk.choices[0]?.delta.content ?? ''
        expect(text).toBeTruthy()
      }
      latencies.push(performance.now() - started)
    }
    await eventually('every shadow outcome to be counted', async () => {
      const errors = await metricValue(journey, shadowSeries('error'))
      const timeouts = await metricValue(journey, shadowSeries('timeout'))
      return errors === 10 && timeouts === 4 ? true : undefined
    })
    const calls = await callsPerModel(journey)
    expect(calls.get(CLAUDE_MODEL_ID)).toBe(14)
    expect(calls.get(GPT_OSS_MODEL_ID)).toBe(14)
    expect(await metricValue(journey, shadowSeries('success'))).toBeUndefined()
    const slowest = Math.max(...latencies)
    console.log(
      `[resilience] shadow failing (10 errors, 4 hangs): 14/14 client requests served, slowest ${Math.round(slowest)} ms`,
    )
    expect(slowest).toBeLessThan(1_500)
    await fromLog(journey.gateway, 'the shadow request', (log) =>
      log.includes('"message":"shadow request finished"') ? true : undefined,
    )
  })
})
