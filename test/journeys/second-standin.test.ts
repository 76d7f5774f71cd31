// Journeys of the `openai` client through the real gateway against a second, independent Bedrock
// stand-in (test/support/plain-bedrock.ts) written from the AWS docs rather than from our
// emulator: it verifies SigV4, decodes the model id from the path, refuses what Bedrock refuses,
// and answers with what AWS may add (cache usage, metrics, `p` padding, unknown fields and events,
// frames cut at odd offsets). The Anthropic client and failures: second-standin-*.test.ts.
import OpenAI from 'openai'
import { beforeAll, describe, expect, it } from 'vitest'
import type { PlainBedrock, PlainRequest } from '../support/plain-bedrock.ts'
import {
  converseReply,
  converseStreamReply,
  cohereEmbeddingReply,
  titanEmbeddingReply,
} from '../support/plain-bedrock-replies.ts'
import { eventMessage } from '../support/plain-event-stream.ts'
import { CLAUDE, PROFILE_ARN, TITAN, onlyRequest, usePlainWorld } from '../support/plain-world.ts'

const world = usePlainWorld('second-standin')
let bedrock: PlainBedrock
let openai: OpenAI
beforeAll(() => {
  ;({ bedrock, openai } = world())
})

const only = (operation: PlainRequest['operation']): PlainRequest => onlyRequest(bedrock, operation)

const weather: OpenAI.Chat.Completions.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'The weather in a city.',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
}

describe('chat completions on Converse', () => {
  it('answers with exact text, usage counting cache reads and writes, and stop', async () => {
    bedrock.reply(
      converseReply({
        text: 'Plain hello.',
        stopReason: 'end_turn',
        usage: {
          inputTokens: 11,
          outputTokens: 3,
          cacheReadInputTokens: 5,
          cacheWriteInputTokens: 2,
        },
      }),
    )
    const completion = await openai.chat.completions.create({
      model: 'claude',
      messages: [
        { role: 'system', content: 'Be plain.' },
        { role: 'user', content: 'Hello?' },
      ],
      max_completion_tokens: 64,
      temperature: 0.2,
    })
    expect(completion.choices[0]?.message.content).toBe('Plain hello.')
    expect(completion.choices[0]?.finish_reason).toBe('stop')
    expect(completion.usage).toMatchObject({
      prompt_tokens: 18,
      completion_tokens: 3,
      total_tokens: 21,
      prompt_tokens_details: { cached_tokens: 5 },
    })
    const request = only('converse')
    expect(request.modelId).toBe(CLAUDE)
    expect(request.rawPath).toBe('/model/us.anthropic.claude-sonnet-4-6/converse')
    expect(request.body).toMatchObject({
      messages: [{ role: 'user', content: [{ text: 'Hello?' }] }],
      system: [{ text: 'Be plain.' }],
      inferenceConfig: { maxTokens: 64, temperature: 0.2 },
    })
  })

  it('streams exact text and usage from frames cut at odd offsets', async () => {
    bedrock.reply(
      converseStreamReply({
        pieces: ['Split ', 'across ', 'frames', '.'],
        stopReason: 'max_tokens',
        usage: { inputTokens: 7, outputTokens: 4 },
      }),
    )
    const stream = await openai.chat.completions.create({
      model: 'claude',
      messages: [{ role: 'user', content: 'Stream.' }],
      stream: true,
      stream_options: { include_usage: true },
    })
    const chunks = await Array.fromAsync(stream)
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')
    expect(text).toBe('Split across frames.')
    const finish = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.finish_reason))
    expect(finish.filter((reason) => reason !== null)).toEqual(['length'])
    expect(chunks.at(-1)?.usage).toMatchObject({
      prompt_tokens: 7,
      completion_tokens: 4,
      total_tokens: 11,
    })
    expect(only('converse-stream').modelId).toBe(CLAUDE)
  })

  it('asks for a tool with the exact arguments, in JSON and streamed', async () => {
    bedrock.reply(
      converseReply({
        tool: { id: 'tooluse_plain1', name: 'get_weather', input: { city: 'Lyon' } },
        stopReason: 'tool_use',
        usage: { inputTokens: 30, outputTokens: 9 },
      }),
      converseStreamReply({
        tool: {
          id: 'tooluse_plain2',
          name: 'get_weather',
          input: {},
          inputPieces: ['{"ci', 'ty": "Os', 'lo"}'],
        },
        stopReason: 'tool_use',
        usage: { inputTokens: 30, outputTokens: 9 },
      }),
    )
    const request = {
      model: 'claude',
      messages: [{ role: 'user' as const, content: 'Weather in Lyon?' }],
      tools: [weather],
    }
    const completion = await openai.chat.completions.create(request)
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls')
    expect(completion.choices[0]?.message.tool_calls).toEqual([
      {
        id: 'tooluse_plain1',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Lyon"}' },
      },
    ])
    const sent = bedrock.requests[0]?.body
    expect(sent).toMatchObject({
      toolConfig: {
        tools: [
          {
            toolSpec: {
              name: 'get_weather',
              description: 'The weather in a city.',
              inputSchema: { json: weather.function.parameters },
            },
          },
        ],
      },
    })
    const stream = await openai.chat.completions.create({ ...request, stream: true })
    const chunks = await Array.fromAsync(stream)
    const calls = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? [])
    expect(calls[0]).toMatchObject({ id: 'tooluse_plain2', function: { name: 'get_weather' } })
    expect(calls.map((call) => call.function?.arguments ?? '').join('')).toBe('{"city": "Oslo"}')
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('tool_calls')
  })

  it('sends an inference profile ARN percent-encoded in one path segment', async () => {
    bedrock.reply(
      converseReply({
        text: 'Via profile.',
        stopReason: 'end_turn',
        usage: { inputTokens: 2, outputTokens: 2 },
      }),
    )
    const completion = await openai.chat.completions.create({
      model: 'claude-profile',
      messages: [{ role: 'user', content: 'Hi' }],
    })
    expect(completion.choices[0]?.message.content).toBe('Via profile.')
    const request = only('converse')
    expect(request.modelId).toBe(PROFILE_ARN)
    expect(request.rawPath).toBe(
      '/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Aapplication-inference-profile%2Fplain123/converse',
    )
  })
})

describe('conversations Bedrock refuses unless the gateway shapes them', () => {
  it('sends a tool history with foreign call ids and an empty tool description as Bedrock needs', async () => {
    bedrock.reply(
      converseReply({
        text: 'Sunny.',
        stopReason: 'end_turn',
        usage: { inputTokens: 40, outputTokens: 2 },
      }),
    )
    const foreignId = 'functions.get_weather:0'
    const completion = await openai.chat.completions.create({
      model: 'claude',
      tools: [{ type: 'function', function: { ...weather.function, description: '' } }],
      messages: [
        { role: 'user', content: 'Weather in Lyon?' },
        {
          role: 'assistant',
          content: '',
          tool_calls: [
            {
              id: foreignId,
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Lyon"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: foreignId, content: '{"sky":"clear"}' },
        { role: 'user', content: 'So?' },
      ],
    })
    expect(completion.choices[0]?.message.content).toBe('Sunny.')
    const { body } = only('converse')
    const messages = body['messages'] as { content: Record<string, { toolUseId?: string }>[] }[]
    const useId = messages[1]?.content[0]?.['toolUse']?.toolUseId
    expect(useId).toMatch(/^[a-zA-Z0-9_-]{1,64}$/)
    expect(messages[2]?.content[0]?.['toolResult']?.toolUseId).toBe(useId)
    expect(body['toolConfig']).toEqual({
      tools: [
        { toolSpec: { name: 'get_weather', inputSchema: { json: weather.function.parameters } } },
      ],
    })
  })

  it('leaves out an empty stop sequence, which Bedrock refuses', async () => {
    bedrock.reply(
      converseReply({
        text: 'Done',
        stopReason: 'stop_sequence',
        usage: { inputTokens: 3, outputTokens: 1 },
      }),
    )
    const completion = await openai.chat.completions.create({
      model: 'claude',
      messages: [{ role: 'user', content: 'Count.' }],
      stop: ['', 'END'],
    })
    expect(completion.choices[0]?.finish_reason).toBe('stop')
    expect(only('converse').body['inferenceConfig']).toEqual({ stopSequences: ['END'] })
  })

  it('answers a conversation that starts with the assistant, which Bedrock alone would refuse', async () => {
    bedrock.reply(
      converseReply({
        text: 'Sunny.',
        stopReason: 'end_turn',
        usage: { inputTokens: 12, outputTokens: 2 },
      }),
    )
    const completion = await openai.chat.completions.create({
      model: 'claude',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'assistant', content: 'Hello! How can I help?' },
        { role: 'user', content: 'Weather?' },
      ],
    })
    expect(completion.choices[0]?.message.content).toBe('Sunny.')
    expect(only('converse').body['messages']).toEqual([
      { role: 'user', content: [{ text: '.' }] },
      { role: 'assistant', content: [{ text: 'Hello! How can I help?' }] },
      { role: 'user', content: [{ text: 'Weather?' }] },
    ])
  })

  it('sends an image and a document as Bedrock media blocks', async () => {
    bedrock.reply(
      converseReply({
        text: 'Seen.',
        stopReason: 'end_turn',
        usage: { inputTokens: 90, outputTokens: 1 },
      }),
    )
    const png =
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=='
    const pdf = Buffer.from('%PDF-1.4 plain').toString('base64')
    await openai.chat.completions.create({
      model: 'claude',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare these.' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } },
            {
              type: 'file',
              file: {
                filename: 'Q3 report.final.pdf',
                file_data: `data:application/pdf;base64,${pdf}`,
              },
            },
          ],
        },
      ],
    })
    const [message] = only('converse').body['messages'] as { content: Record<string, unknown>[] }[]
    expect(message?.content).toEqual([
      { text: 'Compare these.' },
      { image: { format: 'png', source: { bytes: png } } },
      { document: { format: 'pdf', name: expect.any(String) as unknown, source: { bytes: pdf } } },
    ])
  })

  it('sends a Responses function-call round trip with a foreign call id', async () => {
    bedrock.reply(
      converseReply({
        text: 'It is 21 degrees.',
        stopReason: 'end_turn',
        usage: { inputTokens: 30, outputTokens: 5 },
      }),
    )
    const response = await openai.responses.create({
      model: 'claude',
      tools: [
        {
          type: 'function',
          name: 'get_weather',
          parameters: weather.function.parameters ?? {},
          strict: false,
        },
      ],
      input: [
        { role: 'user', content: 'Weather in Lyon?' },
        {
          type: 'function_call',
          call_id: 'call.lyon#1',
          name: 'get_weather',
          arguments: '{"city":"Lyon"}',
        },
        { type: 'function_call_output', call_id: 'call.lyon#1', output: '21C' },
      ],
    })
    expect(response.output_text).toBe('It is 21 degrees.')
    expect(only('converse').body['messages']).toMatchObject([
      { role: 'user' },
      {
        role: 'assistant',
        content: [{ toolUse: { name: 'get_weather', input: { city: 'Lyon' } } }],
      },
      { role: 'user', content: [{ toolResult: { content: [{ text: '21C' }] } }] },
    ])
  })
})

describe('the Responses API on Converse', () => {
  it('answers and streams exact text with usage', async () => {
    bedrock.reply(
      converseReply({
        text: 'Responses plain.',
        stopReason: 'end_turn',
        usage: { inputTokens: 6, outputTokens: 3 },
      }),
      converseStreamReply({
        pieces: ['Streamed ', 'responses.'],
        stopReason: 'end_turn',
        usage: { inputTokens: 6, outputTokens: 2, cacheReadInputTokens: 4 },
      }),
    )
    const response = await openai.responses.create({ model: 'claude', input: 'Say it.' })
    expect(response.output_text).toBe('Responses plain.')
    expect(response.status).toBe('completed')
    expect(response.usage).toMatchObject({ input_tokens: 6, output_tokens: 3, total_tokens: 9 })
    const stream = openai.responses.stream({ model: 'claude', input: 'Stream it.' })
    const final = await stream.finalResponse()
    // The SDK adds `output_text` to created Responses only, not to streamed ones.
    expect(final.output).toMatchObject([
      { type: 'message', content: [{ type: 'output_text', text: 'Streamed responses.' }] },
    ])
    expect(final.usage).toMatchObject({
      input_tokens: 10,
      output_tokens: 2,
      input_tokens_details: { cached_tokens: 4 },
    })
    expect(bedrock.requests.map((request) => request.operation)).toEqual([
      'converse',
      'converse-stream',
    ])
    expect(bedrock.requests[0]?.body).toMatchObject({
      messages: [{ role: 'user', content: [{ text: 'Say it.' }] }],
    })
  })
})

describe('embeddings on InvokeModel', () => {
  it('embeds with Titan V2, one call per text', async () => {
    // One answer with Content-Length, one chunked: AWS may send either.
    bedrock.reply(titanEmbeddingReply([0.6, 0.8], 3), {
      ...titanEmbeddingReply([0.8, -0.6], 4),
      chunked: true,
    })
    const result = await openai.embeddings.create({
      model: 'embed',
      input: ['first text', 'second text'],
      encoding_format: 'float',
    })
    expect(result.data.map((item) => item.embedding)).toEqual([
      [0.6, 0.8],
      [0.8, -0.6],
    ])
    expect(result.usage).toEqual({ prompt_tokens: 7, total_tokens: 7 })
    const bodies = bedrock.requests.map((request) => request.body)
    expect(bodies).toHaveLength(2)
    expect(bodies).toEqual(
      expect.arrayContaining([
        { inputText: 'first text', normalize: true },
        { inputText: 'second text', normalize: true },
      ]),
    )
    expect(bedrock.requests.every((request) => request.modelId === TITAN)).toBe(true)
  })

  it('answers the SDK default base64 encoding with the same floats', async () => {
    bedrock.reply(titanEmbeddingReply([0.5, -0.25, 0.125], 2))
    const result = await openai.embeddings.create({ model: 'embed', input: 'base64 please' })
    expect(result.data[0]?.embedding).toEqual([0.5, -0.25, 0.125])
    expect(only('invoke').body).toEqual({ inputText: 'base64 please', normalize: true })
  })

  it('embeds with Cohere v4 in one call, tokens from the header', async () => {
    bedrock.reply(
      cohereEmbeddingReply(
        ['a', 'b'],
        [
          [1, 0],
          [0, 1],
        ],
        2,
      ),
    )
    const result = await openai.embeddings.create({
      model: 'embed-cohere',
      input: ['a', 'b'],
      dimensions: 256,
      encoding_format: 'float',
    })
    expect(result.data.map((item) => item.embedding)).toEqual([
      [1, 0],
      [0, 1],
    ])
    expect(result.usage).toEqual({ prompt_tokens: 2, total_tokens: 2 })
    expect(only('invoke').body).toEqual({
      texts: ['a', 'b'],
      input_type: 'search_document',
      embedding_types: ['float'],
      output_dimension: 256,
    })
  })
})

describe('streams with what AWS may add', () => {
  it('passes reasoning and text through an unknown event and extra metadata fields', async () => {
    bedrock.reply({
      kind: 'stream',
      messages: [
        eventMessage('messageStart', { role: 'assistant', p: 'abc' }),
        eventMessage('contentBlockDelta', {
          contentBlockIndex: 0,
          delta: { reasoningContent: { text: 'Think ' } },
          p: 'abcdef',
        }),
        eventMessage('contentBlockDelta', {
          contentBlockIndex: 0,
          delta: { reasoningContent: { text: 'twice.' } },
          p: 'ab',
        }),
        eventMessage('contentBlockDelta', {
          contentBlockIndex: 0,
          delta: { reasoningContent: { signature: 'c2lnbmF0dXJl' } },
          p: 'abcdefghij',
        }),
        eventMessage('contentBlockStop', { contentBlockIndex: 0, p: 'a' }),
        eventMessage('futureEvent', { whatever: true, p: 'abcd' }),
        eventMessage('contentBlockDelta', {
          contentBlockIndex: 1,
          delta: { text: 'Answer.' },
          p: 'abcdefg',
        }),
        eventMessage('contentBlockStop', { contentBlockIndex: 1, p: 'abc' }),
        eventMessage('messageStop', { stopReason: 'end_turn', p: 'abcde' }),
        eventMessage('metadata', {
          usage: { inputTokens: 8, outputTokens: 6, totalTokens: 14 },
          metrics: { latencyMs: 999 },
          performanceConfig: { latency: 'standard' },
          trace: { promptRouter: { invokedModelId: CLAUDE } },
          p: 'abcdefgh',
        }),
      ],
    })
    const stream = await openai.chat.completions.create({
      model: 'claude',
      messages: [{ role: 'user', content: 'Think.' }],
      stream: true,
      stream_options: { include_usage: true },
    })
    const chunks = await Array.fromAsync(stream)
    type ReasoningDelta = { content?: string | null; reasoning_content?: string }
    const deltas = chunks.map((chunk) => (chunk.choices[0]?.delta ?? {}) as ReasoningDelta)
    expect(deltas.map((delta) => delta.reasoning_content ?? '').join('')).toBe('Think twice.')
    expect(deltas.map((delta) => delta.content ?? '').join('')).toBe('Answer.')
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 8, completion_tokens: 6 })
  })

  it('streams a Responses function call with its arguments', async () => {
    bedrock.reply(
      converseStreamReply({
        pieces: ['Checking.'],
        tool: {
          id: 'tooluse_r1',
          name: 'get_weather',
          input: {},
          inputPieces: ['{"city":', '"Nice"}'],
        },
        stopReason: 'tool_use',
        usage: { inputTokens: 12, outputTokens: 7 },
      }),
    )
    const final = await openai.responses
      .stream({
        model: 'claude',
        input: 'Weather in Nice?',
        tools: [
          {
            type: 'function',
            name: 'get_weather',
            parameters: weather.function.parameters ?? {},
            strict: false,
          },
        ],
      })
      .finalResponse()
    expect(final.output).toMatchObject([
      { type: 'message', content: [{ type: 'output_text', text: 'Checking.' }] },
      {
        type: 'function_call',
        call_id: 'tooluse_r1',
        name: 'get_weather',
        arguments: '{"city":"Nice"}',
      },
    ])
    expect(final.usage).toMatchObject({ input_tokens: 12, output_tokens: 7 })
  })
})
