// Journeys of a team on the Vercel AI SDK (`ai` with `@ai-sdk/openai` and `@ai-sdk/anthropic`)
// against strata-gateway. The SDK's providers check every response body and every streamed chunk
// against zod schemas, so a field of the wrong type or a framing slip fails here even where the
// looser official clients let it by. A chunk the SDK cannot parse does not throw: it becomes an
// `error` part of the stream, so the streaming tests read the full stream and assert there is none.
import { createAnthropic } from '@ai-sdk/anthropic'
import { createOpenAI } from '@ai-sdk/openai'
import {
  APICallError,
  Output,
  embed,
  embedMany,
  generateText,
  stepCountIs,
  streamText,
  tool,
  type TextStreamPart,
  type ToolSet,
} from 'ai'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { DEMO_KEY, startJourney, type Journey } from '../support/journey.ts'

let journey: Journey
let openai: ReturnType<typeof createOpenAI>
let anthropic: ReturnType<typeof createAnthropic>

beforeAll(async () => {
  journey = await startJourney('ai-sdk')
  openai = createOpenAI({ baseURL: `${journey.gateway.url}/v1`, apiKey: DEMO_KEY })
  // The Anthropic provider sends the key as `x-api-key`, as Anthropic's API wants.
  anthropic = createAnthropic({ baseURL: `${journey.gateway.url}/v1`, apiKey: DEMO_KEY })
})

afterAll(async () => {
  await journey.stop()
})

beforeEach(async () => {
  await journey.bedrock.reset()
})

// No retries: a journey asserts on what one call does, and scripted scenarios are used up per call.
// maxOutputTokens is set because the Anthropic provider warns about, and caps, aliases it does not
// know.
const once = { maxRetries: 0, maxOutputTokens: 1024 } as const

// With `execute`, so the SDK can run a second step; a test that wants only the call stops at one.
const weather = tool({
  description: 'The weather in a city.',
  inputSchema: z.object({ city: z.string() }),
  execute: ({ city }) => Promise.resolve({ city, sky: 'sunny' }),
})

const forecast = z.object({ city: z.string(), sunny: z.boolean() })

async function scriptText(text: string, inputTokens = 9, outputTokens = 4): Promise<void> {
  await journey.bedrock.script({
    scenario: { reply: { text, usage: { inputTokens, outputTokens } }, chunkSize: 5 },
  })
}

async function scriptToolCall(id: string, city: string): Promise<void> {
  await journey.bedrock.script({
    scenario: {
      reply: { toolCalls: [{ id, name: 'weather', input: { city } }], stopReason: 'tool_use' },
    },
  })
}

/** The whole stream, after checking the SDK parsed every chunk of it. */
async function parts<TOOLS extends ToolSet>(
  stream: AsyncIterable<TextStreamPart<TOOLS>>,
): Promise<TextStreamPart<TOOLS>[]> {
  const all = await Array.fromAsync(stream)
  expect(all.filter((part) => part.type === 'error')).toEqual([])
  return all
}

type Model = ReturnType<ReturnType<typeof createOpenAI>['chat']>

// Every language-model surface the gateway serves, as the SDK reaches it.
const models: [string, () => Model][] = [
  ['chat completions on Converse', () => openai.chat('claude')],
  ['chat completions on Mantle', () => openai.chat('gpt-oss')],
  ['Responses on Converse', () => openai.responses('claude')],
  ['Responses on Mantle', () => openai.responses('gpt-oss')],
  ['Anthropic Messages', () => anthropic('claude')],
]

describe.each(models)('%s', (_, model) => {
  it('generates text with usage and the stop finish reason', async () => {
    await scriptText('Hello from Bedrock.')
    const result = await generateText({ ...once, model: model(), prompt: 'Say hello.' })
    expect(result.text).toBe('Hello from Bedrock.')
    expect(result.finishReason).toBe('stop')
    expect(result.usage).toMatchObject({ inputTokens: 9, outputTokens: 4, totalTokens: 13 })
    expect(result.warnings).toEqual([])
    expect(result.finalStep.response.modelId).toBe(model().modelId)
  })

  it('streams text, then the usage and finish reason', async () => {
    await scriptText('One two three four.', 5, 3)
    const result = streamText({ ...once, model: model(), prompt: 'Count.' })
    const all = await parts(result.stream)
    const deltas = all.flatMap((part) => (part.type === 'text-delta' ? [part.text] : []))
    expect(deltas.join('')).toBe('One two three four.')
    expect(deltas.length).toBeGreaterThan(1)
    expect(await result.finishReason).toBe('stop')
    expect(await result.usage).toMatchObject({ inputTokens: 5, outputTokens: 3, totalTokens: 8 })
  })

  it('maps a stop at the token limit to the length finish reason', async () => {
    await journey.bedrock.script({ scenario: { reply: { text: 'Cut', stopReason: 'max_tokens' } } })
    const result = await generateText({ ...once, model: model(), prompt: 'Go on.' })
    expect(result.text).toBe('Cut')
    expect(result.finishReason).toBe('length')
  })

  it.each([false, true])('calls a tool with parsed arguments (streamed: %s)', async (streamed) => {
    await scriptToolCall('call_weather_1', 'Paris')
    const call = {
      ...once,
      model: model(),
      tools: { weather },
      prompt: 'Weather in Paris?',
      stopWhen: stepCountIs(1),
    }
    const result = streamed ? streamText(call) : await generateText(call)
    if (streamed && 'stream' in result) await parts(result.stream)
    expect(await result.toolCalls).toMatchObject([
      { toolCallId: 'call_weather_1', toolName: 'weather', input: { city: 'Paris' } },
    ])
    expect(await result.finishReason).toBe('tool-calls')
  })

  it.each([false, true])(
    'runs a tool and answers from its result in a second step (streamed: %s)',
    async (streamed) => {
      await scriptToolCall('call_weather_2', 'Oslo')
      await scriptText('Sunny in Oslo.')
      const call = {
        ...once,
        model: model(),
        system: 'Be brief.',
        prompt: 'Weather in Oslo?',
        tools: { weather },
        stopWhen: stepCountIs(3),
      }
      const result = streamed ? streamText(call) : await generateText(call)
      if (streamed && 'stream' in result) await parts(result.stream)
      expect(await result.text).toBe('Sunny in Oslo.')
      expect(await result.steps).toHaveLength(2)
      const sent = JSON.stringify((await journey.bedrock.requests()).at(-1)?.body)
      expect(sent).toContain('call_weather_2')
      expect(sent).toContain('sunny')
    },
  )

  it('generates structured output that matches a schema', async () => {
    await scriptText('{"city":"Lima","sunny":true}')
    const result = await generateText({
      ...once,
      model: model(),
      output: Output.object({ schema: forecast }),
      prompt: 'Is it sunny in Lima?',
    })
    expect(result.output).toEqual({ city: 'Lima', sunny: true })
  })
})

// A one-page PDF, as small as a PDF gets.
const PDF = Buffer.from(
  '%PDF-1.1\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 3 3]>>endobj\ntrailer<</Root 1 0 R>>\n',
)

describe.each([
  ['chat completions on Converse', () => openai.chat('claude'), '"document"'],
  ['Responses on Converse', () => openai.responses('claude'), '"document"'],
  ['Anthropic Messages', () => anthropic('claude'), '"application/pdf"'],
])('a PDF through %s', (_, model, upstreamMark) => {
  it('reaches Bedrock as a document', async () => {
    await scriptText('A blank page.')
    const result = await generateText({
      ...once,
      model: model(),
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in this file?' },
            { type: 'file', mediaType: 'application/pdf', data: PDF, filename: 'blank.pdf' },
          ],
        },
      ],
    })
    expect(result.text).toBe('A blank page.')
    const sent = JSON.stringify((await journey.bedrock.requests()).at(-1)?.body)
    expect(sent).toContain(upstreamMark)
    expect(sent).toContain(PDF.toString('base64'))
  })
})

describe('Anthropic Messages with thinking', () => {
  it.each([false, true])('returns thinking as reasoning (streamed: %s)', async (streamed) => {
    await journey.bedrock.script({
      scenario: { reply: { reasoning: { text: 'Let me think.', signature: 'x' }, text: 'Six.' } },
    })
    const call = {
      ...once,
      model: anthropic('claude'),
      prompt: 'Two times three?',
      providerOptions: { anthropic: { thinking: { type: 'enabled', budgetTokens: 1024 } } },
    }
    const result = streamed ? streamText(call) : await generateText(call)
    if (streamed && 'stream' in result) await parts(result.stream)
    const [step] = await result.steps
    expect(step?.reasoningText).toBe('Let me think.')
    expect(step?.text).toBe('Six.')
    const invoke = (await journey.bedrock.requests()).at(-1)
    expect(invoke?.body).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 1024 } })
  })
})

describe('the Responses model with a reasoning summary', () => {
  // `forceReasoning`: the provider sends reasoning settings only to model ids it knows reason.
  it.each([false, true])(
    'returns Claude thinking as reasoning (streamed: %s)',
    async (streamed) => {
      await journey.bedrock.script({
        scenario: { reply: { reasoning: { text: 'Let me think.', signature: 'x' }, text: 'Six.' } },
      })
      const call = {
        ...once,
        model: openai.responses('claude'),
        prompt: 'Two times three?',
        providerOptions: {
          openai: { forceReasoning: true, reasoningEffort: 'low', reasoningSummary: 'auto' },
        },
      }
      const result = streamed ? streamText(call) : await generateText(call)
      if (streamed && 'stream' in result) await parts(result.stream)
      const [step] = await result.steps
      expect(step?.reasoningText).toBe('Let me think.')
      expect(step?.text).toBe('Six.')
      expect(step?.warnings).toEqual([])
    },
  )
})

describe('the Responses model, stateless, with the settings the provider sends', () => {
  // With `store: false` and a reasoning model the provider asks for `include:
  // ['reasoning.encrypted_content']`, so it can send reasoning back without server state.
  const providerOptions = {
    openai: {
      store: false,
      forceReasoning: true,
      reasoningEffort: 'low',
      promptCacheKey: 'support-bot',
      safetyIdentifier: 'team-a',
      serviceTier: 'default',
    },
  }

  it('answers on Converse, and names what Converse ignores', async () => {
    await scriptText('Stateless.')
    const result = await generateText({
      ...once,
      model: openai.responses('claude'),
      prompt: 'Hi.',
      providerOptions,
    })
    expect(result.text).toBe('Stateless.')
    const headers = result.finalStep.response.headers ?? {}
    expect(headers['x-strata-dropped-params']).toBe('prompt_cache_key, include')
    expect((await journey.bedrock.requests()).at(-1)?.body).toMatchObject({
      requestMetadata: { safety_identifier: 'team-a' },
    })
  })

  it('passes them to Mantle as sent', async () => {
    await scriptText('Stateless.')
    const result = await generateText({
      ...once,
      model: openai.responses('gpt-oss'),
      prompt: 'Hi.',
      providerOptions,
    })
    expect(result.text).toBe('Stateless.')
    expect((await journey.bedrock.requests()).at(-1)?.body).toMatchObject({
      store: false,
      include: ['reasoning.encrypted_content'],
      prompt_cache_key: 'support-bot',
      safety_identifier: 'team-a',
      service_tier: 'default',
    })
  })
})

describe('embeddings', () => {
  it.each(['embed', 'embed-mantle'])('embeds one value and many on %s', async (alias) => {
    const one = await embed({ maxRetries: 0, model: openai.embedding(alias), value: 'same text' })
    expect(one.embedding.length).toBeGreaterThan(0)
    expect(one.usage.tokens).toBeGreaterThan(0)
    const many = await embedMany({
      maxRetries: 0,
      model: openai.embedding(alias),
      values: ['same text', 'other text'],
    })
    expect(many.embeddings).toHaveLength(2)
    many.embeddings[0]?.forEach((value, index) => {
      expect(value).toBeCloseTo(one.embedding[index] ?? Number.NaN, 6)
    })
    expect(many.embeddings[1]).not.toEqual(many.embeddings[0])
    expect(many.usage.tokens).toBeGreaterThan(one.usage.tokens)
  })

  it('asks Titan for the dimensions the provider option names', async () => {
    const result = await embed({
      maxRetries: 0,
      model: openai.embedding('embed'),
      value: 'short',
      providerOptions: { openai: { dimensions: 256 } },
    })
    expect(result.embedding).toHaveLength(256)
  })
})

describe('errors the SDK reads as APICallError', () => {
  async function apiCallError(call: Promise<unknown>): Promise<APICallError> {
    const error: unknown = await call.then(
      () => undefined,
      (caught: unknown) => caught,
    )
    expect(error).toBeInstanceOf(APICallError)
    return error as APICallError
  }

  const wrongKey = () => ({ baseURL: `${journey.gateway.url}/v1`, apiKey: 'sk-wrong' })
  it.each([
    ['openai chat', () => createOpenAI(wrongKey()).chat('claude')],
    ['openai responses', () => createOpenAI(wrongKey()).responses('claude')],
    ['anthropic', () => createAnthropic(wrongKey())('claude')],
  ])('answers a bad key with 401 through the %s provider', async (_, model) => {
    const error = await apiCallError(generateText({ ...once, model: model(), prompt: 'hi' }))
    expect(error.statusCode).toBe(401)
    expect(error.isRetryable).toBe(false)
    expect(error.message).toMatch(/api key/i)
  })

  it.each([
    ['openai chat', () => openai.chat('no-such-model')],
    ['openai responses', () => openai.responses('no-such-model')],
    ['anthropic', () => anthropic('no-such-model')],
  ])('answers an unknown model with 404 through the %s provider', async (_, model) => {
    const error = await apiCallError(generateText({ ...once, model: model(), prompt: 'hi' }))
    expect(error.statusCode).toBe(404)
    expect(error.message).toContain('no-such-model')
  })

  it.each(models)('relays a Bedrock throttle as 429 on %s', async (_, model) => {
    await journey.bedrock.script({
      scenario: { fault: { kind: 'error', exception: 'ThrottlingException', message: 'Slow.' } },
    })
    const error = await apiCallError(generateText({ ...once, model: model(), prompt: 'hi' }))
    expect(error.statusCode).toBe(429)
    expect(error.isRetryable).toBe(true)
    expect(error.message).toBe('Slow.')
  })
})
