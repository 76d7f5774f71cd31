// Both Responses backends, lean clients included, against the project's Bedrock emulator: the
// converse kind through Converse/ConverseStream, the mantle kind through Mantle's own /responses.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startEmulator, type Emulator } from '../../../test/emulator/index.ts'
import { parseResponsesRequest } from '../openai/responses.ts'
import { createConverseClient, type ConverseClient } from '../upstream/converse-client.ts'
import { createMantleClient, type MantleClient } from '../upstream/mantle-client.ts'
import { mantleConfigFromEnv } from '../upstream/mantle-client-config.ts'
import { sigV4Signer } from '@strata/aws-signing'
import type { BackendTarget } from './backend-target.ts'
import { createConverseResponsesBackend } from './converse-responses-backend.ts'
import { createMantleResponsesBackend } from './mantle-responses-backend.ts'
import type { ResponsesCallContext } from './responses-backend.ts'

let emulator: Emulator
let converse: ConverseClient
let mantle: MantleClient
const credentials = () => Promise.resolve({ accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' })

beforeAll(async () => {
  emulator = await startEmulator()
  converse = createConverseClient({ endpoint: emulator.url, signer: sigV4Signer(credentials) })
  mantle = createMantleClient(
    mantleConfigFromEnv({ AWS_ENDPOINT_URL_BEDROCK_MANTLE: emulator.url }, credentials),
  )
})

afterAll(async () => {
  await converse.close()
  await mantle.close()
  await emulator.close()
})

beforeEach(() => {
  emulator.reset()
})

const context = (): ResponsesCallContext => ({
  id: 'resp_e2e',
  createdAt: 1,
  model: 'alias',
  signal: new AbortController().signal,
})
const request = (body: Record<string, unknown> = {}) =>
  parseResponsesRequest({ model: 'alias', input: 'Hello', ...body })
const weather = { type: 'function', name: 'get_weather', parameters: { type: 'object' } }
const scripted = {
  text: 'Checking.',
  toolCalls: [{ id: 'call_1', name: 'get_weather', input: { city: 'Oslo' } }],
  stopReason: 'tool_use' as const,
  usage: { inputTokens: 20, outputTokens: 9 },
}

const backends = {
  converse: {
    target: {
      kind: 'converse',
      modelId: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      region: 'us-east-1',
    } satisfies BackendTarget,
    backend: () => createConverseResponsesBackend({ client: converse }),
  },
  mantle: {
    target: {
      kind: 'mantle',
      modelId: 'openai.gpt-oss-120b',
      region: 'us-west-2',
      projectId: 'proj_mantle1',
    } satisfies BackendTarget,
    backend: () => createMantleResponsesBackend({ client: mantle }),
  },
}

describe.each(Object.entries(backends))('the %s Responses backend', (kind, { target, backend }) => {
  it('creates a Response with text, a function call and usage', async () => {
    emulator.script({ scenario: { reply: scripted } })
    const response = await backend().create(request({ tools: [weather] }), target, context())
    expect(response).toMatchObject({ object: 'response', model: 'alias', status: 'completed' })
    expect(response.output.filter((item) => item.type !== 'reasoning')).toMatchObject([
      { type: 'message', content: [{ type: 'output_text', text: 'Checking.' }] },
      { type: 'function_call', call_id: 'call_1', name: 'get_weather' },
    ])
    const call = response.output.find((item) => item.type === 'function_call')
    expect(JSON.parse(call?.type === 'function_call' ? call.arguments : '')).toEqual({
      city: 'Oslo',
    })
    expect(response.usage).toMatchObject({ input_tokens: 20, output_tokens: 9, total_tokens: 29 })
  })

  it('streams the event sequence ending in response.completed', async () => {
    emulator.script({ scenario: { reply: scripted } })
    const events = await Array.fromAsync(
      backend().stream(request({ tools: [weather], stream: true }), target, context()),
    )
    expect(events.slice(0, 2).map((event) => event.type)).toEqual([
      'response.created',
      'response.in_progress',
    ])
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, i) => i))
    const text = events.filter((event) => event.type === 'response.output_text.delta')
    expect(text.map((event) => event.delta).join('')).toBe('Checking.')
    const args = events.find((event) => event.type === 'response.function_call_arguments.done')
    expect(JSON.parse(String(args?.arguments))).toEqual({ city: 'Oslo' })
    expect(events.at(-1)).toMatchObject({
      type: 'response.completed',
      response: { model: 'alias', usage: { input_tokens: 20, output_tokens: 9 } },
    })
  })

  it("tells upstream's own stop reason of an answer that filled the context window", async () => {
    // Converse says model_context_window_exceeded; Mantle speaks the Responses API, whose words
    // for a cut-off answer are status incomplete and reason max_output_tokens.
    const expected = kind === 'converse' ? 'model_context_window_exceeded' : 'max_output_tokens'
    const heard: string[] = []
    const listening = { ...context(), onStopReason: (reason: string) => heard.push(reason) }
    const scenario = {
      reply: { text: 'Cut', stopReason: 'model_context_window_exceeded' as const },
    }
    emulator.script({ scenario })
    const response = await backend().create(request(), target, listening)
    expect(response).toMatchObject({
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
    })
    expect(heard).toEqual([expected])
    emulator.script({ scenario })
    const events = await Array.fromAsync(
      backend().stream(request({ stream: true }), target, listening),
    )
    expect(events.at(-1)).toMatchObject({
      type: 'response.incomplete',
      response: { incomplete_details: { reason: 'max_output_tokens' } },
    })
    expect(heard).toEqual([expected, expected])
  })

  it('fails before the first event with the upstream error', async () => {
    emulator.script({ scenario: { fault: { kind: 'error', exception: 'ThrottlingException' } } })
    await expect(
      Array.fromAsync(backend().stream(request({ stream: true }), target, context())),
    ).rejects.toMatchObject({ status: 429, type: 'rate_limit_error' })
  })

  if (kind === 'mantle') {
    it('passes through to /v1/responses with the model id and OpenAI-Project', async () => {
      emulator.script({ scenario: { reply: scripted } })
      await backend().create(request({ store: true }), target, context())
      const [recorded] = emulator.requests()
      expect(recorded).toMatchObject({ operation: 'mantle-responses', path: '/v1/responses' })
      expect(recorded?.headers).toMatchObject({ 'openai-project': 'proj_mantle1' })
      expect(recorded?.body).toMatchObject({ model: 'openai.gpt-oss-120b', store: true })
    })
  } else {
    it('refuses previous_response_id before calling Bedrock', async () => {
      await expect(
        backend().create(request({ previous_response_id: 'resp_1' }), target, context()),
      ).rejects.toMatchObject({ status: 400, param: 'previous_response_id' })
      expect(emulator.requests()).toHaveLength(0)
    })
  }
})
