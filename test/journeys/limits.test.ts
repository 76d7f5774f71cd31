// Token governance across two gateway replicas sharing one real Redis, driven by the official
// `openai` client: the admitted total under concurrency, x-ratelimit headers shared across
// replicas, tokens per minute settled at the end of streams, and a project budget.
import { APIError } from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLAUDE_MODEL_ID, NOVA_MODEL_ID } from '../support/journey.ts'
import { limitsTable, startLimitsWorld, type LimitsWorld } from '../support/limits-world.ts'

const RPM = 10
const TPM = 1_000

let world: LimitsWorld

beforeAll(async () => {
  world = await startLimitsWorld(
    'limits',
    limitsTable([
      { model: 'rpm', limits: { requestsPerMinute: RPM } },
      { model: 'headers', limits: { requestsPerMinute: 5, tokensPerMinute: 100_000 } },
      { model: 'tpm', limits: { tokensPerMinute: TPM } },
      { model: 'capped', limits: { maxOutputTokens: 16 } },
    ]),
  )
})

afterAll(async () => {
  await world.stop()
})

const replica = (index: number) => (index % 2 === 0 ? world.replicas[0] : world.replicas[1])

const hello = [{ role: 'user' as const, content: 'hi' }]

async function statusOf(call: Promise<unknown>): Promise<number | APIError> {
  try {
    await call
    return 200
  } catch (error) {
    if (error instanceof APIError) return error
    throw error
  }
}

describe('rate limits shared by two replicas through Redis', () => {
  it('admits no more than the limit plus one request per replica out of 40 concurrent requests', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        statusOf(
          replica(index).openai.chat.completions.create({
            model: 'rpm',
            messages: hello,
          }),
        ),
      ),
    )
    const admitted = outcomes.filter((outcome) => outcome === 200).length
    const refused = outcomes.filter((outcome) => outcome instanceof APIError)
    console.log(
      `[limits] RPM ${String(RPM)}, 2 replicas, 40 concurrent: ${String(admitted)} admitted`,
    )
    expect(admitted).toBeGreaterThanOrEqual(RPM)
    expect(admitted).toBeLessThanOrEqual(RPM + 2)
    expect(refused).toHaveLength(40 - admitted)
    const [first] = refused
    expect(first?.status).toBe(429)
    expect(first?.error).toMatchObject({ type: 'requests', code: 'rate_limit_exceeded' })
    expect(first?.headers?.get('x-ratelimit-remaining-requests')).toBe('0')
    expect(Number(first?.headers?.get('retry-after'))).toBeGreaterThan(0)
    const counted =
      ((await world.replicas[0].metric(
        'strata_gateway_rate_limited_total{project="limits/governed",route="limits/rpm",limit="requests_per_minute"}',
      )) ?? 0) +
      ((await world.replicas[1].metric(
        'strata_gateway_rate_limited_total{project="limits/governed",route="limits/rpm",limit="requests_per_minute"}',
      )) ?? 0)
    expect(counted).toBe(refused.length)
  })

  it('sends x-ratelimit headers on answers, decreasing across both replicas', async () => {
    const remaining: number[] = []
    for (const index of [0, 1, 0, 1]) {
      const { response } = await replica(index)
        .openai.chat.completions.create({ model: 'headers', messages: hello })
        .withResponse()
      expect(response.headers.get('x-ratelimit-limit-requests')).toBe('5')
      expect(response.headers.get('x-ratelimit-limit-tokens')).toBe('100000')
      expect(response.headers.get('x-ratelimit-reset-requests')).toMatch(/^\d+(\.\d+)?s$|ms$/)
      expect(response.headers.get('x-ratelimit-remaining-tokens')).toMatch(/^\d+$/)
      remaining.push(Number(response.headers.get('x-ratelimit-remaining-requests')))
    }
    expect(remaining).toEqual([4, 3, 2, 1])
  })
})

describe('tokens per minute, streams settled at their end', () => {
  it('counts the usage a stream reports at its end, so the next request waits', async () => {
    await world.bedrock.script({
      match: { modelId: CLAUDE_MODEL_ID },
      times: 3,
      scenario: {
        reply: { text: 'A long streamed answer.', usage: { inputTokens: 100, outputTokens: 300 } },
      },
    })
    const seen: number[] = []
    for (const index of [0, 1, 0]) {
      const { data: stream, response } = await world.replicas[
        index as 0 | 1
      ].openai.chat.completions
        .create({ model: 'tpm', messages: hello, stream: true })
        .withResponse()
      seen.push(Number(response.headers.get('x-ratelimit-remaining-tokens')))
      const chunks = await Array.fromAsync(stream)
      expect(chunks.length).toBeGreaterThan(1)
    }
    // Each stream was admitted on a small estimate and settled at 400 tokens when it ended.
    expect(seen[0]).toBeGreaterThan(TPM - 50)
    expect(seen[1]).toBeLessThan(TPM - 400)
    expect(seen[2]).toBeLessThan(TPM - 800)
    const refused = await statusOf(
      world.replicas[1].openai.chat.completions.create({ model: 'tpm', messages: hello }),
    )
    expect(refused).toBeInstanceOf(APIError)
    expect((refused as APIError).status).toBe(429)
    expect((refused as APIError).error).toMatchObject({
      type: 'tokens',
      code: 'rate_limit_exceeded',
    })
    console.log(
      `[limits] TPM ${String(TPM)}: remaining before each 400-token stream ${seen.join(', ')}; 4th refused`,
    )
  })
})

describe('project budgets', () => {
  it('refuses with 429 insufficient_quota once the daily token budget is spent', async () => {
    await world.bedrock.script({
      match: { modelId: NOVA_MODEL_ID },
      times: 2,
      scenario: { reply: { text: 'ok', usage: { inputTokens: 100, outputTokens: 200 } } },
    })
    await world.replicas[0].budgetClient.chat.completions.create({ model: 'nova', messages: hello })
    await world.replicas[1].budgetClient.chat.completions.create({ model: 'nova', messages: hello })
    const refused = await statusOf(
      world.replicas[0].budgetClient.chat.completions.create({ model: 'nova', messages: hello }),
    )
    expect(refused).toBeInstanceOf(APIError)
    expect((refused as APIError).status).toBe(429)
    expect((refused as APIError).error).toMatchObject({
      type: 'insufficient_quota',
      code: 'insufficient_quota',
    })
    expect((refused as APIError).headers?.get('x-should-retry')).toBe('false')
  })
})

describe('response caps', () => {
  it('sends Bedrock at most the route maxOutputTokens, whatever the client asks', async () => {
    await world.bedrock.reset()
    await world.replicas[0].openai.chat.completions.create({
      model: 'capped',
      messages: hello,
      max_completion_tokens: 4_000,
    })
    const [request] = await world.bedrock.requests()
    expect(request?.body).toMatchObject({ inferenceConfig: { maxTokens: 16 } })
  })
})
