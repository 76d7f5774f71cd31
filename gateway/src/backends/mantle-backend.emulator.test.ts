// The mantle backend, lean client included, against the project's Bedrock emulator (test/emulator),
// which serves Mantle's OpenAI routes under `/v1` and `/openai/v1` as JSON and SSE.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startEmulator, type Emulator } from '../../../test/emulator/index.ts'
import { parseChatCompletionRequest, type ChatCompletionChunk } from '../openai/chat-completions.ts'
import { createMantleClient, type MantleClient } from '../upstream/mantle-client.ts'
import { mantleConfigFromEnv } from '../upstream/mantle-client-config.ts'
import type { ChatCallContext } from './chat-backend.ts'
import type { BackendTarget } from './backend-target.ts'
import { createMantleBackend } from './mantle-backend.ts'

let emulator: Emulator
let client: MantleClient

const credentials = () => Promise.resolve({ accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' })

beforeAll(async () => {
  emulator = await startEmulator()
  client = createMantleClient(
    mantleConfigFromEnv({ AWS_ENDPOINT_URL_BEDROCK_MANTLE: emulator.url }, credentials),
  )
})

afterAll(async () => {
  await client.close()
  await emulator.close()
})

beforeEach(() => {
  emulator.reset()
})

const target = (modelId = 'openai.gpt-oss-120b', projectId = 'proj_mantle1'): BackendTarget => ({
  kind: 'mantle',
  modelId,
  region: 'us-west-2',
  projectId,
})
const context = (signal = new AbortController().signal): ChatCallContext => ({
  id: 'chatcmpl-e2e',
  created: 1,
  model: 'support-chat',
  signal,
})
const request = (body: Record<string, unknown> = {}) =>
  parseChatCompletionRequest({
    model: 'support-chat',
    messages: [{ role: 'user', content: 'Hello' }],
    ...body,
  })

const textOf = (chunks: ChatCompletionChunk[]): string =>
  chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')

const weatherTool = {
  type: 'function',
  function: { name: 'get_weather', parameters: { type: 'object' } },
}

describe('mantle backend against the emulator', () => {
  it('tells the finish_reason Mantle gives, once per answer, as its stop reason', async () => {
    const heard: string[] = []
    const listening = { ...context(), onStopReason: (reason: string) => heard.push(reason) }
    const scenario = {
      reply: { text: 'Cut short', stopReason: 'max_tokens' as const },
      chunkSize: 3,
    }
    emulator.script({ scenario })
    const completion = await createMantleBackend({ client }).complete(
      request(),
      target(),
      listening,
    )
    expect(completion.choices[0]?.finish_reason).toBe('length')
    expect(heard).toEqual(['length'])
    emulator.script({ scenario })
    const chunks = await Array.fromAsync(
      createMantleBackend({ client }).stream(request({ stream: true }), target(), listening),
    )
    expect(textOf(chunks)).toBe('Cut short')
    expect(heard).toEqual(['length', 'length'])
  })

  it('completes a chat with the alias as model, attributed and signed for bedrock-mantle', async () => {
    emulator.script({
      scenario: { reply: { text: 'Hi there.', usage: { inputTokens: 7, outputTokens: 3 } } },
    })
    const completion = await createMantleBackend({ client }).complete(
      request({ temperature: 0.3 }),
      target(),
      context(),
    )
    expect(completion).toMatchObject({
      object: 'chat.completion',
      model: 'support-chat',
      choices: [{ message: { content: 'Hi there.' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 },
    })
    const [recorded] = emulator.requests()
    expect(recorded).toMatchObject({
      operation: 'mantle-chat',
      path: '/v1/chat/completions',
      modelId: 'openai.gpt-oss-120b',
      project: 'proj_mantle1',
      auth: { kind: 'sigv4', service: 'bedrock-mantle', region: 'us-west-2' },
      body: { model: 'openai.gpt-oss-120b', temperature: 0.3 },
    })
  })

  it('uses /openai/v1 for the families served there, and no OpenAI-Project for default', async () => {
    await createMantleBackend({ client }).complete(
      request(),
      target('google.gemma-4-31b', 'default'),
      context(),
    )
    const [recorded] = emulator.requests()
    expect(recorded?.path).toBe('/openai/v1/chat/completions')
    expect(recorded?.project).toBeUndefined()
    expect(recorded?.headers).not.toHaveProperty('openai-project')
  })

  it('passes tool calls through', async () => {
    emulator.script({
      scenario: {
        reply: {
          toolCalls: [{ id: 'call_1', name: 'get_weather', input: { city: 'Oslo' } }],
          stopReason: 'tool_use',
        },
      },
    })
    const completion = await createMantleBackend({ client }).complete(
      request({ tools: [weatherTool] }),
      target(),
      context(),
    )
    expect(completion.choices[0]).toMatchObject({
      finish_reason: 'tool_calls',
      message: {
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
          },
        ],
      },
    })
    expect(emulator.requests()[0]?.body).toMatchObject({ tools: [weatherTool] })
  })

  it('streams without client-requested usage, still asking upstream and ending with usage', async () => {
    emulator.script({
      scenario: {
        reply: { text: 'The quick brown fox.', usage: { inputTokens: 4, outputTokens: 5 } },
        chunkSize: 3,
      },
    })
    const chunks = await Array.fromAsync(
      createMantleBackend({ client }).stream(request({ stream: true }), target(), context()),
    )
    expect(textOf(chunks)).toBe('The quick brown fox.')
    expect(chunks.every((chunk) => chunk.model === 'support-chat')).toBe(true)
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop')
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 4, completion_tokens: 5 },
    })
    expect(chunks.slice(0, -1).some((chunk) => 'usage' in chunk)).toBe(false)
    expect(emulator.requests()[0]?.body).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    })
  })

  it('streams with client-requested usage', async () => {
    const chunks = await Array.fromAsync(
      createMantleBackend({ client }).stream(
        request({ stream: true, stream_options: { include_usage: true } }),
        target(),
        context(),
      ),
    )
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true)
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { total_tokens: expect.any(Number) as number },
    })
  })

  it('streams tool calls through', async () => {
    emulator.script({
      scenario: {
        reply: {
          toolCalls: [{ id: 'call_9', name: 'get_weather', input: { city: 'Paris' } }],
          stopReason: 'tool_use',
        },
      },
    })
    const chunks = await Array.fromAsync(
      createMantleBackend({ client }).stream(
        request({ stream: true, tools: [weatherTool] }),
        target(),
        context(),
      ),
    )
    const deltas = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? [])
    expect(deltas[0]).toMatchObject({ id: 'call_9', function: { name: 'get_weather' } })
    expect(deltas.map((delta) => delta.function?.arguments ?? '').join('')).toBe('{"city":"Paris"}')
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('tool_calls')
  })

  it('keeps an upstream 429 as a rate limit error, before the stream starts', async () => {
    emulator.script({ scenario: { fault: { kind: 'error', exception: 'ThrottlingException' } } })
    await expect(
      Array.fromAsync(
        createMantleBackend({ client }).stream(request({ stream: true }), target(), context()),
      ),
    ).rejects.toMatchObject({ status: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded' })
    emulator.script({
      scenario: { fault: { kind: 'httpError', status: 400, code: 'bad_thing', message: 'Nope.' } },
    })
    await expect(
      createMantleBackend({ client }).complete(request(), target(), context()),
    ).rejects.toMatchObject({
      status: 400,
      type: 'invalid_request_error',
      code: 'bad_thing',
      message: 'Nope.',
    })
  })

  it('raises a mid-stream error event after the chunks before it', async () => {
    emulator.script({
      scenario: {
        reply: { text: 'abcdefghij' },
        chunkSize: 2,
        fault: {
          kind: 'midStreamException',
          afterEvents: 3,
          exception: 'modelStreamErrorException',
        },
      },
    })
    const seen: ChatCompletionChunk[] = []
    const error = await (async () => {
      for await (const chunk of createMantleBackend({ client }).stream(
        request({ stream: true }),
        target(),
        context(),
      ))
        seen.push(chunk)
    })().catch((caught: unknown) => caught)
    expect(error).toMatchObject({
      status: 502,
      code: 'model_error',
      upstreamType: 'model_stream_error',
    })
    expect(seen).toHaveLength(3)
    expect(seen.some((chunk) => chunk.choices.length === 0)).toBe(false)
  })

  it('maps a reset connection to a 502', async () => {
    emulator.script({ scenario: { fault: { kind: 'reset' } } })
    await expect(
      createMantleBackend({ client }).complete(request(), target(), context()),
    ).rejects.toMatchObject({ status: 502, code: 'upstream_connection_error' })
  })

  it('reaches the emulator with the client disconnect', async () => {
    emulator.script({
      scenario: { reply: { text: 'x'.repeat(200) }, chunkSize: 1, tokenDelayMs: 20 },
    })
    const controller = new AbortController()
    const error = await (async () => {
      for await (const chunk of createMantleBackend({ client }).stream(
        request({ stream: true }),
        target(),
        context(controller.signal),
      )) {
        if (chunk.choices[0]?.delta.content !== undefined) controller.abort()
      }
    })().catch((caught: unknown) => caught)
    expect(error).toMatchObject({ status: 499 })
    await expect.poll(() => emulator.requests()[0]?.aborted).toBe(true)
  })

  it('sends a Bedrock API key as a bearer token when one is configured', async () => {
    const bearer = createMantleClient(
      mantleConfigFromEnv({
        AWS_ENDPOINT_URL_BEDROCK_MANTLE: emulator.url,
        AWS_BEARER_TOKEN_BEDROCK: 'ABSKtest-key',
      }),
    )
    try {
      await createMantleBackend({ client: bearer }).complete(request(), target(), context())
    } finally {
      await bearer.close()
    }
    expect(emulator.requests()[0]?.auth).toEqual({ kind: 'bearer', token: 'ABSKtest-key' })
  })
})
