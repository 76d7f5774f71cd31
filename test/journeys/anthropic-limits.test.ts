// Token governance applies to Anthropic's Messages API as to the OpenAI endpoints: one request
// limit and one token budget, counted in the same Redis by two replicas, whichever API a team's
// clients speak; a refusal reaches `@anthropic-ai/sdk` as its RateLimitError, Anthropic-shaped.
// count_tokens has request counters of its own, of the same size, as on Anthropic's API.
import Anthropic from '@anthropic-ai/sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  LIMITS_KEY,
  limitsTable,
  startLimitsWorld,
  type LimitsWorld,
} from '../support/limits-world.ts'

let world: LimitsWorld

beforeAll(async () => {
  world = await startLimitsWorld(
    'anthropic-limits',
    limitsTable([
      { model: 'rpm', limits: { requestsPerMinute: 3, tokensPerMinute: 100_000 } },
      { model: 'counted', limits: { requestsPerMinute: 2 } },
    ]),
  )
})

afterAll(async () => {
  await world.stop()
})

const anthropicOn = (index: 0 | 1): Anthropic =>
  new Anthropic({
    baseURL: world.replicas[index].gateway.url,
    apiKey: LIMITS_KEY,
    maxRetries: 0,
    timeout: 20_000,
  })

type RateLimitError = InstanceType<typeof Anthropic.RateLimitError>

/** The SDK's error for a call the gateway refused with an Anthropic-shaped 429. */
async function rateLimited(call: Promise<unknown>): Promise<RateLimitError> {
  const refused: unknown = await call.then(
    () => undefined,
    (error: unknown) => error,
  )
  expect(refused).toBeInstanceOf(Anthropic.RateLimitError)
  const error = refused as RateLimitError
  expect(error.error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } })
  return error
}

describe('limits on the Messages API', () => {
  it('shares one request limit with chat completions across replicas', async () => {
    const message = {
      model: 'rpm',
      max_tokens: 32,
      messages: [{ role: 'user' as const, content: 'hi' }],
    }
    await world.replicas[0].openai.chat.completions.create({
      model: 'rpm',
      messages: message.messages,
    })
    await anthropicOn(1).messages.create(message)
    await anthropicOn(0).messages.create(message)
    const error = await rateLimited(anthropicOn(1).messages.create(message))
    expect(error.headers.get('retry-after')).toMatch(/^\d+$/)
    expect(error.headers.get('x-ratelimit-limit-requests')).toBe('3')
  })

  it('limits count_tokens on counters of its own, leaving the route its requests', async () => {
    const request = { model: 'counted', messages: [{ role: 'user' as const, content: 'hi' }] }
    const first = await anthropicOn(0).messages.countTokens(request)
    const second = await anthropicOn(1).messages.countTokens(request)
    expect(first.input_tokens).toBeGreaterThan(0)
    expect(second.input_tokens).toBe(first.input_tokens)
    const error = await rateLimited(anthropicOn(0).messages.countTokens(request))
    expect(error.headers.get('x-ratelimit-limit-requests')).toBe('2')
    // The route's own two requests per minute are untouched by the counting.
    for (const index of [0, 1] as const) {
      const answer = await anthropicOn(index).messages.create({ ...request, max_tokens: 16 })
      expect(answer.type).toBe('message')
    }
  })
})
