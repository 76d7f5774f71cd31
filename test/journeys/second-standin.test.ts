// Journeys against a second, independent Bedrock stand-in (test/support/plain-bedrock.ts), written
// from the AWS docs rather than from our emulator: the real strata-gateway process, the official
// `openai` and `@anthropic-ai/sdk` clients, and a stand-in that verifies SigV4, decodes the model
// id from the path, refuses unknown body fields, and answers with what real Bedrock sends (cache
// usage, latency metrics, `p` padding, unknown fields, frames cut at odd offsets).
import { rm } from 'node:fs/promises'
import { createHash } from 'node:crypto'
import Anthropic from '@anthropic-ai/sdk'
import OpenAI from 'openai'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  startPlainBedrock,
  type PlainBedrock,
  type PlainRequest,
} from '../support/plain-bedrock.ts'
import {
  awsErrorReply,
  claudeMessageReply,
  claudeStreamReply,
  cohereEmbeddingReply,
  converseReply,
  converseStreamReply,
  titanEmbeddingReply,
} from '../support/plain-bedrock-replies.ts'
import { encodeMessage, eventMessage, exceptionMessage } from '../support/plain-event-stream.ts'
import {
  emulatorAwsEnv,
  makeWorkDirectory,
  startGatewayProcess,
  type RunningProcess,
} from '../support/processes.ts'

const KEY = 'sk-strata-second-standin'
const CLAUDE = 'us.anthropic.claude-sonnet-4-6'
const PROFILE_ARN = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/plain123'
const TITAN = 'amazon.titan-embed-text-v2:0'
const COHERE = 'cohere.embed-v4:0'
const patientBreaker = { consecutiveFailures: 1000, minimumRequests: 10_000 }

function table(): unknown {
  const route = (model: string, backend: Record<string, unknown>) => ({
    name: model,
    namespace: 'default',
    model,
    backends: [{ kind: 'converse', region: 'us-east-1', ...backend }],
    breaker: patientBreaker,
  })
  return {
    apiVersion: 'strata.dev/v1alpha1',
    kind: 'RoutingTable',
    version: 1,
    generatedAt: new Date().toISOString(),
    projects: [
      {
        name: 'plain',
        namespace: 'default',
        projectId: 'proj_plain',
        keys: [{ sha256: createHash('sha256').update(KEY).digest('hex') }],
        routes: [
          route('claude', { modelId: CLAUDE }),
          route('claude-profile', { modelId: CLAUDE, profileArn: PROFILE_ARN }),
          route('embed', { modelId: TITAN }),
          route('embed-cohere', { modelId: COHERE }),
        ],
      },
    ],
  }
}

let bedrock: PlainBedrock
let gateway: RunningProcess
let workDirectory: string
let openai: OpenAI
let anthropic: Anthropic

beforeAll(async () => {
  const aws = emulatorAwsEnv('unused')
  bedrock = await startPlainBedrock({
    key: {
      accessKeyId: aws['AWS_ACCESS_KEY_ID'] ?? '',
      secretAccessKey: aws['AWS_SECRET_ACCESS_KEY'] ?? '',
      region: 'us-east-1',
      service: 'bedrock',
    },
    profiles: new Map([[PROFILE_ARN, CLAUDE]]),
  })
  workDirectory = await makeWorkDirectory('second-standin')
  gateway = await startGatewayProcess({ workDirectory, table: table(), emulatorUrl: bedrock.url })
  openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: KEY, maxRetries: 0, timeout: 20_000 })
  anthropic = new Anthropic({ baseURL: gateway.url, apiKey: KEY, maxRetries: 0, timeout: 20_000 })
})

afterAll(async () => {
  await gateway.stop()
  await bedrock.close()
  await rm(workDirectory, { recursive: true, force: true })
})

beforeEach(() => {
  bedrock.reset()
})

afterEach(() => {
  // Every request the gateway sent must have been one real Bedrock accepts.
  expect(bedrock.refusals).toEqual([])
})

function only(operation: PlainRequest['operation']): PlainRequest {
  const matching = bedrock.requests.filter((request) => request.operation === operation)
  expect(matching).toHaveLength(1)
  const [request] = matching
  if (request === undefined) throw new Error(`the stand-in saw no ${operation} request`)
  return request
}

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

const hello: Anthropic.MessageCreateParamsNonStreaming = {
  model: 'claude',
  max_tokens: 128,
  messages: [{ role: 'user', content: 'Hello there' }],
}

describe('Anthropic Messages on InvokeModel', () => {
  it('answers with the Bedrock body sent and usage with cache fields', async () => {
    bedrock.reply(
      claudeMessageReply({
        id: 'msg_bdrk_plain01',
        model: 'claude-sonnet-4-6',
        text: 'Hi from plain Bedrock.',
        stopReason: 'end_turn',
        usage: {
          input_tokens: 12,
          output_tokens: 5,
          cache_read_input_tokens: 40,
          cache_creation_input_tokens: 0,
        },
      }),
    )
    const message = await anthropic.messages.create({ ...hello, system: 'Be brief.' })
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude',
      content: [{ type: 'text', text: 'Hi from plain Bedrock.' }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 12, output_tokens: 5, cache_read_input_tokens: 40 },
    })
    const request = only('invoke')
    expect(request.modelId).toBe(CLAUDE)
    expect(request.body).toEqual({
      anthropic_version: 'bedrock-2023-05-31',
      max_tokens: 128,
      system: 'Be brief.',
      messages: hello.messages,
    })
  })

  it('streams text and a tool call the SDK assembles', async () => {
    bedrock.reply(
      claudeStreamReply({
        id: 'msg_bdrk_plain02',
        model: 'claude-sonnet-4-6',
        pieces: ['Let me ', 'check.'],
        tool: { id: 'toolu_plain', name: 'get_weather', inputPieces: ['{"city"', ': "Rome"}'] },
        stopReason: 'tool_use',
        usage: { input_tokens: 20, output_tokens: 15 },
      }),
    )
    const message = await anthropic.messages
      .stream({
        ...hello,
        tools: [
          {
            name: 'get_weather',
            input_schema: { type: 'object', properties: { city: { type: 'string' } } },
          },
        ],
      })
      .finalMessage()
    expect(message.content).toEqual([
      { type: 'text', text: 'Let me check.' },
      { type: 'tool_use', id: 'toolu_plain', name: 'get_weather', input: { city: 'Rome' } },
    ])
    expect(message.stop_reason).toBe('tool_use')
    expect(message.usage).toMatchObject({ input_tokens: 20, output_tokens: 15 })
    const request = only('invoke-with-response-stream')
    expect(request.headers['x-amzn-bedrock-accept']).toBe('application/json')
    expect(request.body).not.toHaveProperty('stream')
    expect(request.body).not.toHaveProperty('model')
  })

  it('counts tokens with CountTokens', async () => {
    bedrock.reply({ kind: 'json', body: { inputTokens: 17 } })
    const counted = await anthropic.messages.countTokens({
      model: 'claude',
      messages: hello.messages,
    })
    expect(counted.input_tokens).toBe(17)
    // CountTokens counts per foundation model, so the cross-region prefix is gone.
    const request = only('count-tokens')
    expect(request.modelId).toBe('anthropic.claude-sonnet-4-6')
  })
})

// What each client sees for a Bedrock exception: gateway/src/errors/bedrock-errors.ts for OpenAI,
// anthropic-errors.ts for Anthropic (an unavailable backend is Anthropic's 529 overloaded_error).
interface Failure {
  type: string
  status: number
  openai: [status: number, type: string, code: string]
  anthropic: [status: number, type: string]
}
const failures: Failure[] = [
  {
    type: 'ThrottlingException',
    status: 429,
    openai: [429, 'rate_limit_error', 'rate_limit_exceeded'],
    anthropic: [429, 'rate_limit_error'],
  },
  {
    type: 'ValidationException',
    status: 400,
    openai: [400, 'invalid_request_error', 'invalid_request'],
    anthropic: [400, 'invalid_request_error'],
  },
  {
    type: 'ModelNotReadyException',
    status: 429,
    openai: [429, 'rate_limit_error', 'model_not_ready'],
    anthropic: [429, 'rate_limit_error'],
  },
  {
    type: 'ServiceUnavailableException',
    status: 503,
    openai: [503, 'api_error', 'service_unavailable'],
    anthropic: [529, 'overloaded_error'],
  },
  {
    type: 'AccessDeniedException',
    status: 403,
    openai: [403, 'permission_error', 'permission_denied'],
    anthropic: [403, 'permission_error'],
  },
  {
    type: 'ModelTimeoutException',
    status: 408,
    openai: [408, 'timeout_error', 'model_timeout'],
    anthropic: [408, 'timeout_error'],
  },
  {
    type: 'ModelErrorException',
    status: 424,
    openai: [502, 'api_error', 'model_error'],
    anthropic: [502, 'api_error'],
  },
  {
    type: 'UnrecognizedClientException',
    status: 403,
    openai: [502, 'api_error', 'upstream_authentication_failed'],
    anthropic: [502, 'api_error'],
  },
]

describe.each(failures)('Bedrock answering $type ($status)', (failure) => {
  const message = `plain ${failure.type} message`
  const [openaiStatus, openaiType, openaiCode] = failure.openai
  const [anthropicStatus, anthropicType] = failure.anthropic

  async function openaiFailure(stream: boolean): Promise<InstanceType<typeof OpenAI.APIError>> {
    const error: unknown = await openai.chat.completions
      .create({ model: 'claude', messages: [{ role: 'user', content: 'x' }], stream })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      )
    expect(error).toBeInstanceOf(OpenAI.APIError)
    return error as InstanceType<typeof OpenAI.APIError>
  }

  it('gives OpenAI clients their error shape and status, streaming or not', async () => {
    const reply = awsErrorReply(failure.type, failure.status, message)
    bedrock.reply(reply, reply)
    for (const stream of [false, true]) {
      const error = await openaiFailure(stream)
      expect([error.status, error.type, error.code]).toEqual([openaiStatus, openaiType, openaiCode])
      // What is wrong with a request is Bedrock's to say; the client needs those words.
      if (failure.type === 'ValidationException') expect(error.message).toContain(message)
    }
    expect(bedrock.requests.map((request) => request.operation)).toEqual([
      'converse',
      'converse-stream',
    ])
  })

  it('gives Anthropic clients their error shape and status, streaming or not', async () => {
    const reply = awsErrorReply(failure.type, failure.status, message)
    bedrock.reply(reply, reply)
    for (const call of [
      () => anthropic.messages.create(hello),
      () => anthropic.messages.stream(hello).finalMessage(),
    ]) {
      const error: unknown = await call().then(
        () => undefined,
        (caught: unknown) => caught,
      )
      expect(error).toBeInstanceOf(Anthropic.APIError)
      const failed = error as InstanceType<typeof Anthropic.APIError>
      expect(failed.status).toBe(anthropicStatus)
      expect(failed.error).toMatchObject({ type: 'error', error: { type: anthropicType } })
    }
    expect(bedrock.requests.map((request) => request.operation)).toEqual([
      'invoke',
      'invoke-with-response-stream',
    ])
  })
})

describe('an exception inside a stream', () => {
  it('ends the OpenAI stream with an error after the text already sent', async () => {
    bedrock.reply(
      converseStreamReply({
        pieces: ['Partial '],
        stopReason: 'end_turn',
        usage: { inputTokens: 1, outputTokens: 1 },
        exception: { type: 'throttlingException', message: 'Too many tokens, slow down.' },
      }),
    )
    const stream = await openai.chat.completions.create({
      model: 'claude',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    })
    let text = ''
    const error: unknown = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ''
    })().then(
      () => undefined,
      (caught: unknown) => caught,
    )
    expect(text).toBe('Partial ')
    expect(error).toBeInstanceOf(OpenAI.APIError)
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

  it('ends an Anthropic stream with an error event when Bedrock sends an exception mid-stream', async () => {
    const start = claudeStreamReply({
      id: 'msg_bdrk_plain03',
      model: 'claude-sonnet-4-6',
      pieces: ['Half '],
      stopReason: 'end_turn',
      usage: { input_tokens: 3, output_tokens: 1 },
    })
    if (start.kind !== 'stream') throw new Error('a stream reply was expected')
    // message_start, content_block_start and one delta; then the model fails.
    bedrock.reply({
      ...start,
      messages: [
        ...start.messages.slice(0, 3),
        exceptionMessage('modelStreamErrorException', 'The model stopped unexpectedly.'),
      ],
    })
    const stream = anthropic.messages.stream(hello)
    let text = ''
    stream.on('text', (delta) => (text += delta))
    const error: unknown = await stream.finalMessage().then(
      () => undefined,
      (caught: unknown) => caught,
    )
    expect(text).toBe('Half ')
    expect(error).toBeInstanceOf(Anthropic.APIError)
    expect((error as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
      type: 'error',
      error: { type: 'api_error' },
    })
  })
})

describe('Bedrock failing after it answered 200', () => {
  async function chatStream(): Promise<{ text: string; error: unknown }> {
    let text = ''
    const error: unknown = await (async () => {
      const stream = await openai.chat.completions.create({
        model: 'claude',
        messages: [{ role: 'user', content: 'x' }],
        stream: true,
      })
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ''
    })().then(
      () => undefined,
      (caught: unknown) => caught,
    )
    return { text, error }
  }

  it('answers with the HTTP status when the exception comes before any content', async () => {
    // Real Bedrock often throttles this way: 200, then a throttlingException frame.
    bedrock.reply(
      { kind: 'stream', messages: [exceptionMessage('throttlingException', 'Too many requests.')] },
      {
        kind: 'stream',
        messages: [
          eventMessage('messageStart', { role: 'assistant', p: 'abc' }),
          exceptionMessage('validationException', 'Input is too long for requested model.'),
        ],
      },
    )
    const throttled = await chatStream()
    expect(throttled.error).toBeInstanceOf(OpenAI.APIError)
    expect((throttled.error as InstanceType<typeof OpenAI.APIError>).status).toBe(429)
    const invalid = await chatStream()
    expect((invalid.error as InstanceType<typeof OpenAI.APIError>).status).toBe(400)
    expect((invalid.error as Error).message).toContain('Input is too long for requested model.')
  })

  it('fails the stream when it is cut short or carries an error frame', async () => {
    const whole = converseStreamReply({
      pieces: ['a', 'b'],
      stopReason: 'end_turn',
      usage: { inputTokens: 1, outputTokens: 1 },
    })
    if (whole.kind !== 'stream') throw new Error('a stream reply was expected')
    bedrock.reply(
      { kind: 'stream', messages: whole.messages.slice(0, 3) },
      {
        kind: 'stream',
        messages: [
          ...whole.messages.slice(0, 2),
          encodeMessage(
            {
              ':message-type': 'error',
              ':error-code': 'InternalFailure',
              ':error-message': 'boom',
            },
            Buffer.alloc(0),
          ),
        ],
      },
    )
    const cut = await chatStream()
    expect(cut.text).toBe('ab')
    expect(cut.error).toBeInstanceOf(OpenAI.APIError)
    const broken = await chatStream()
    expect(broken.text).toBe('a')
    expect(broken.error).toBeInstanceOf(OpenAI.APIError)
  })

  it('sends the Anthropic client its HTTP error for an exception before any content', async () => {
    bedrock.reply({
      kind: 'stream',
      messages: [exceptionMessage('throttlingException', 'Too many requests.')],
    })
    const error: unknown = await anthropic.messages
      .stream(hello)
      .finalMessage()
      .then(
        () => undefined,
        (caught: unknown) => caught,
      )
    expect(error).toBeInstanceOf(Anthropic.RateLimitError)
  })
})

describe('Claude behind an application inference profile', () => {
  it('invokes and streams on the ARN, and counts tokens on the foundation model', async () => {
    bedrock.reply(
      claudeMessageReply({
        id: 'msg_bdrk_arn1',
        model: 'claude-sonnet-4-6',
        text: 'Profiled.',
        stopReason: 'end_turn',
        usage: { input_tokens: 2, output_tokens: 2 },
      }),
      claudeStreamReply({
        id: 'msg_bdrk_arn2',
        model: 'claude-sonnet-4-6',
        pieces: ['Streamed ', 'profile.'],
        stopReason: 'end_turn',
        usage: { input_tokens: 2, output_tokens: 3 },
      }),
      { kind: 'json', body: { inputTokens: 9 } },
    )
    const viaProfile = { ...hello, model: 'claude-profile' }
    const message = await anthropic.messages.create(viaProfile)
    expect(message.content).toEqual([{ type: 'text', text: 'Profiled.' }])
    const streamed = await anthropic.messages.stream(viaProfile).finalMessage()
    expect(streamed.content).toEqual([{ type: 'text', text: 'Streamed profile.' }])
    const counted = await anthropic.messages.countTokens({
      model: 'claude-profile',
      messages: hello.messages,
    })
    expect(counted.input_tokens).toBe(9)
    const encoded = encodeURIComponent(PROFILE_ARN)
    expect(bedrock.requests.map((request) => [request.rawPath, request.modelId])).toEqual([
      [`/model/${encoded}/invoke`, PROFILE_ARN],
      [`/model/${encoded}/invoke-with-response-stream`, PROFILE_ARN],
      ['/model/anthropic.claude-sonnet-4-6/count-tokens', 'anthropic.claude-sonnet-4-6'],
    ])
  })
})

describe.each([
  { name: 'temporary credentials', env: { AWS_SESSION_TOKEN: 'plain-session-token' } },
  { name: 'a Bedrock API key', env: { AWS_BEARER_TOKEN_BEDROCK: 'bedrock-api-key-plain' } },
])('the gateway authenticated with $name', ({ env }) => {
  let other: PlainBedrock
  let otherGateway: RunningProcess
  let directory: string

  beforeAll(async () => {
    const aws = emulatorAwsEnv('unused')
    other = await startPlainBedrock({
      key: {
        accessKeyId: aws['AWS_ACCESS_KEY_ID'] ?? '',
        secretAccessKey: aws['AWS_SECRET_ACCESS_KEY'] ?? '',
        region: 'us-east-1',
        service: 'bedrock',
        ...('AWS_SESSION_TOKEN' in env ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
        ...('AWS_BEARER_TOKEN_BEDROCK' in env ? { bearerToken: env.AWS_BEARER_TOKEN_BEDROCK } : {}),
      },
    })
    directory = await makeWorkDirectory('second-standin-auth')
    otherGateway = await startGatewayProcess({
      workDirectory: directory,
      table: table(),
      emulatorUrl: other.url,
      env,
    })
  })

  afterAll(async () => {
    await otherGateway.stop()
    await other.close()
    await rm(directory, { recursive: true, force: true })
  })

  it('is accepted on Converse, InvokeModel and CountTokens', async () => {
    other.reply(
      converseReply({
        text: 'Signed.',
        stopReason: 'end_turn',
        usage: { inputTokens: 1, outputTokens: 1 },
      }),
      claudeMessageReply({
        id: 'msg_bdrk_auth',
        model: 'claude-sonnet-4-6',
        text: 'Invoked.',
        stopReason: 'end_turn',
        usage: { input_tokens: 1, output_tokens: 1 },
      }),
      { kind: 'json', body: { inputTokens: 4 } },
    )
    const client = new OpenAI({ baseURL: `${otherGateway.url}/v1`, apiKey: KEY, maxRetries: 0 })
    const completion = await client.chat.completions.create({
      model: 'claude',
      messages: [{ role: 'user', content: 'hi' }],
    })
    expect(completion.choices[0]?.message.content).toBe('Signed.')
    const messages = new Anthropic({ baseURL: otherGateway.url, apiKey: KEY, maxRetries: 0 })
    const message = await messages.messages.create(hello)
    expect(message.content).toEqual([{ type: 'text', text: 'Invoked.' }])
    const counted = await messages.messages.countTokens({
      model: 'claude',
      messages: hello.messages,
    })
    expect(counted.input_tokens).toBe(4)
    expect(other.refusals).toEqual([])
    expect(other.requests.map((request) => request.operation)).toEqual([
      'converse',
      'invoke',
      'count-tokens',
    ])
  })
})
