// Token governance applies to Anthropic's Messages API as to the OpenAI endpoints: one request
// limit and one token budget, counted in the same Redis by two replicas, whichever API a team's
// clients speak; a refusal reaches `@anthropic-ai/sdk` as its RateLimitError, Anthropic-shaped.
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
    limitsTable([{ model: 'rpm', limits: { requestsPerMinute: 3, tokensPerMinute: 100_000 } }]),
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
    const refused: unknown = await anthropicOn(1)
      .messages.create(message)
      .then(
        () => undefined,
        (error: unknown) => error,
      )
    expect(refused).toBeInstanceOf(Anthropic.RateLimitError)
    const error = refused as InstanceType<typeof Anthropic.RateLimitError>
    expect(error.error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } })
    expect(error.headers.get('retry-after')).toMatch(/^\d+$/)
    expect(error.headers.get('x-ratelimit-limit-requests')).toBe('3')
  })
})
