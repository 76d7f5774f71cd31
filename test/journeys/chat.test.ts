// Journeys of an application team using the official `openai` client against strata-gateway,
// with the Bedrock emulator standing in for AWS: everything over real sockets and processes.
import type OpenAI from 'openai'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  CLAUDE_MODEL_ID,
  GPT_OSS_MODEL_ID,
  JOURNEY_PROJECT_ID,
  startJourney,
  type Journey,
} from '../support/journey.ts'

// A 1×1 transparent PNG.
const PNG_DATA_URL =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=='

let journey: Journey

beforeAll(async () => {
  journey = await startJourney('chat')
})

afterAll(async () => {
  await journey.stop()
})

beforeEach(async () => {
  await journey.bedrock.reset()
})

type ChatChunk = OpenAI.Chat.Completions.ChatCompletionChunk

const textOf = (chunks: ChatChunk[]): string =>
  chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')

/** Converse request bodies the emulator received, oldest first. */
async function converseBodies(journey: Journey): Promise<Record<string, unknown>[]> {
  const requests = await journey.bedrock.requests()
  return requests
    .filter((request) => request.operation.startsWith('converse'))
    .map((request) => request.body as Record<string, unknown>)
}

describe('chat completions through the gateway', () => {
  it('answers a plain chat with the alias as model and token usage', async () => {
    await journey.bedrock.script({
      scenario: {
        reply: { text: 'Hello from Bedrock.', usage: { inputTokens: 9, outputTokens: 4 } },
      },
    })
    const completion = await journey.openai.chat.completions.create({
      model: 'claude',
      messages: [{ role: 'user', content: 'Say hello.' }],
    })
    expect(completion.object).toBe('chat.completion')
    expect(completion.model).toBe('claude')
    expect(completion.id).toMatch(/^chatcmpl-/)
    expect(completion.choices[0]?.message.content).toBe('Hello from Bedrock.')
    expect(completion.choices[0]?.finish_reason).toBe('stop')
    expect(completion.usage).toMatchObject({
      prompt_tokens: 9,
      completion_tokens: 4,
      total_tokens: 13,
    })
    const [request] = await journey.bedrock.requests()
    expect(request).toMatchObject({ operation: 'converse', modelId: CLAUDE_MODEL_ID })
  })

  it('announces parameters Converse ignores in x-strata-dropped-params, and none otherwise', async () => {
    const { response } = await journey.openai.chat.completions
      .create({
        model: 'claude',
        messages: [{ role: 'user', content: 'hi' }],
        prompt_cache_key: 'support',
      })
      .withResponse()
    expect(response.headers.get('x-strata-dropped-params')).toBe('prompt_cache_key')
    const plain = await journey.openai.chat.completions
      .create({ model: 'claude', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse()
    expect(plain.response.headers.get('x-strata-dropped-params')).toBeNull()
    const streamed = await journey.openai.chat.completions
      .create({
        model: 'claude',
        messages: [{ role: 'user', content: 'hi' }],
        prompt_cache_key: 'support',
        stream: true,
      })
      .withResponse()
    expect(streamed.response.headers.get('x-strata-dropped-params')).toBe('prompt_cache_key')
    let chunks = 0
    for await (const chunk of streamed.data) chunks += chunk.choices.length
    expect(chunks).toBeGreaterThan(0)
  })

  it('streams without a usage chunk when the client does not ask for one', async () => {
    await journey.bedrock.script({
      scenario: { reply: { text: 'One two three four.' }, chunkSize: 4 },
    })
    const stream = await journey.openai.chat.completions.create({
      model: 'claude',
      messages: [{ role: 'user', content: 'Count.' }],
      stream: true,
    })
    const chunks = await Array.fromAsync(stream)
    expect(textOf(chunks)).toBe('One two three four.')
    expect(chunks.length).toBeGreaterThan(3)
    expect(chunks.every((chunk) => chunk.choices.length === 1)).toBe(true)
    expect(chunks.some((chunk) => chunk.usage != null)).toBe(false)
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop')
  })

  it('streams a final usage chunk with empty choices when include_usage is set', async () => {
    await journey.bedrock.script({
      scenario: { reply: { text: 'Counted.', usage: { inputTokens: 5, outputTokens: 2 } } },
    })
    const stream = await journey.openai.chat.completions.create({
      model: 'claude',
      messages: [{ role: 'user', content: 'Count.' }],
      stream: true,
      stream_options: { include_usage: true },
    })
    const chunks = await Array.fromAsync(stream)
    const last = chunks.at(-1)
    expect(last?.choices).toEqual([])
    expect(last?.usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 })
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage == null)).toBe(true)
  })

  it('streams a tool call, then carries its result back in the next turn', async () => {
    const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Weather for a city',
          parameters: {
            type: 'object',
            properties: { city: { type: 'string' } },
            required: ['city'],
          },
        },
      },
    ]
    await journey.bedrock.script({
      scenario: {
        reply: {
          toolCalls: [{ id: 'tooluse_abc123', name: 'get_weather', input: { city: 'Paris' } }],
          stopReason: 'tool_use',
        },
      },
    })
    const question: OpenAI.Chat.Completions.ChatCompletionMessageParam = {
      role: 'user',
      content: 'Weather in Paris?',
    }
    const chunks = await Array.fromAsync(
      await journey.openai.chat.completions.create({
        model: 'claude',
        messages: [question],
        tools,
        stream: true,
      }),
    )
    const deltas = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? [])
    const id = deltas.find((delta) => delta.id !== undefined)?.id
    const name = deltas.find((delta) => delta.function?.name !== undefined)?.function?.name
    const argumentsText = deltas.map((delta) => delta.function?.arguments ?? '').join('')
    expect(id).toBe('tooluse_abc123')
    expect(name).toBe('get_weather')
    expect(JSON.parse(argumentsText)).toEqual({ city: 'Paris' })
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('tool_calls')

    await journey.bedrock.script({ scenario: { reply: { text: 'It is sunny in Paris.' } } })
    const followUp = await journey.openai.chat.completions.create({
      model: 'claude',
      tools,
      messages: [
        question,
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'tooluse_abc123',
              type: 'function',
              function: { name: 'get_weather', arguments: argumentsText },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'tooluse_abc123', content: '{"sky":"sunny"}' },
      ],
    })
    expect(followUp.choices[0]?.message.content).toBe('It is sunny in Paris.')
    const sent = JSON.stringify((await converseBodies(journey)).at(-1))
    expect(sent).toContain('"toolUse"')
    expect(sent).toContain('"toolResult"')
    expect(sent).toContain('tooluse_abc123')
  })

  it('returns reasoning with its signature, and sends the signature back on the next turn', async () => {
    await journey.bedrock.script({
      scenario: {
        reply: {
          reasoning: { text: 'The user greets me.', signature: 'sig-journey-0001' },
          text: 'Hi!',
        },
      },
    })
    const first = await journey.openai.chat.completions.create({
      model: 'claude',
      reasoning_effort: 'low',
      messages: [{ role: 'user', content: 'Hello' }],
    })
    const message = first.choices[0]?.message as OpenAI.Chat.Completions.ChatCompletionMessage & {
      reasoning_content?: string
      reasoning_signature?: string
    }
    expect(message.reasoning_content).toBe('The user greets me.')
    expect(message.reasoning_signature).toBe('sig-journey-0001')

    await journey.bedrock.script({ scenario: { reply: { text: 'Still here.' } } })
    const echoed = {
      role: 'assistant',
      content: message.content,
      reasoning_content: message.reasoning_content,
      reasoning_signature: message.reasoning_signature,
    } as OpenAI.Chat.Completions.ChatCompletionAssistantMessageParam
    await journey.openai.chat.completions.create({
      model: 'claude',
      reasoning_effort: 'low',
      messages: [
        { role: 'user', content: 'Hello' },
        echoed,
        { role: 'user', content: 'Are you there?' },
      ],
    })
    const sent = JSON.stringify((await converseBodies(journey)).at(-1))
    expect(sent).toContain('sig-journey-0001')
    expect(sent).toContain('The user greets me.')
  })

  it('passes an image data URL to Bedrock as image bytes', async () => {
    await journey.bedrock.script({ scenario: { reply: { text: 'A transparent pixel.' } } })
    const completion = await journey.openai.chat.completions.create({
      model: 'claude',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: PNG_DATA_URL } },
          ],
        },
      ],
    })
    expect(completion.choices[0]?.message.content).toBe('A transparent pixel.')
    const sent = JSON.stringify((await converseBodies(journey)).at(-1))
    expect(sent).toContain('"format":"png"')
    expect(sent).toContain(PNG_DATA_URL.slice('data:image/png;base64,'.length, 60))
  })

  it("lists the project's aliases as models", async () => {
    const models = await journey.openai.models.list()
    expect(models.data.map((model) => model.id)).toEqual([
      'claude',
      'nova',
      'gpt-oss',
      'embed',
      'embed-mantle',
    ])
    expect((await journey.openai.models.retrieve('nova')).id).toBe('nova')
  })
})

describe('chat completions through the gateway to Mantle', () => {
  it('passes a chat through to Mantle, attributed to the project and signed for bedrock-mantle', async () => {
    await journey.bedrock.script({
      scenario: {
        reply: { text: 'Hello from Mantle.', usage: { inputTokens: 6, outputTokens: 4 } },
      },
    })
    const completion = await journey.openai.chat.completions.create({
      model: 'gpt-oss',
      messages: [{ role: 'user', content: 'Say hello.' }],
      reasoning_effort: 'low',
    })
    expect(completion.model).toBe('gpt-oss')
    expect(completion.choices[0]?.message.content).toBe('Hello from Mantle.')
    expect(completion.usage).toMatchObject({ prompt_tokens: 6, completion_tokens: 4 })
    const [request] = await journey.bedrock.requests()
    expect(request).toMatchObject({
      operation: 'mantle-chat',
      path: '/v1/chat/completions',
      modelId: GPT_OSS_MODEL_ID,
      project: JOURNEY_PROJECT_ID,
      auth: { kind: 'sigv4', service: 'bedrock-mantle' },
      body: { model: GPT_OSS_MODEL_ID, reasoning_effort: 'low' },
    })
  })

  it('streams from Mantle, with the usage chunk only when the client asks', async () => {
    await journey.bedrock.script({
      scenario: { reply: { text: 'One two three four.' }, chunkSize: 4 },
    })
    const plain = await Array.fromAsync(
      await journey.openai.chat.completions.create({
        model: 'gpt-oss',
        messages: [{ role: 'user', content: 'Count.' }],
        stream: true,
      }),
    )
    expect(textOf(plain)).toBe('One two three four.')
    expect(plain.every((chunk) => chunk.model === 'gpt-oss' && chunk.choices.length === 1)).toBe(
      true,
    )
    expect(plain.some((chunk) => chunk.usage != null)).toBe(false)

    await journey.bedrock.script({
      scenario: { reply: { text: 'Counted.', usage: { inputTokens: 5, outputTokens: 2 } } },
    })
    const withUsage = await Array.fromAsync(
      await journey.openai.chat.completions.create({
        model: 'gpt-oss',
        messages: [{ role: 'user', content: 'Count.' }],
        stream: true,
        stream_options: { include_usage: true },
      }),
    )
    expect(withUsage.at(-1)?.choices).toEqual([])
    expect(withUsage.at(-1)?.usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 2 })
    const bodies = (await journey.bedrock.requests()).map((request) => request.body)
    expect(bodies).toMatchObject([
      { stream: true, stream_options: { include_usage: true } },
      { stream: true, stream_options: { include_usage: true } },
    ])
  })

  it("raises Mantle's mid-stream failure in the client as an APIError", async () => {
    await journey.bedrock.script({
      scenario: {
        reply: { text: 'abcdefghijkl' },
        chunkSize: 2,
        fault: {
          kind: 'midStreamException',
          afterEvents: 3,
          exception: 'modelStreamErrorException',
        },
      },
    })
    const seen: ChatChunk[] = []
    const error = await (async () => {
      const stream = await journey.openai.chat.completions.create({
        model: 'gpt-oss',
        messages: [{ role: 'user', content: 'Go.' }],
        stream: true,
      })
      for await (const chunk of stream) seen.push(chunk)
    })().catch((caught: unknown) => caught)
    expect(seen.length).toBeGreaterThan(0)
    expect(error).toMatchObject({ error: { code: 'model_error' } })
  })
})
