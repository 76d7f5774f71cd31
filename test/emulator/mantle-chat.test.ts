import OpenAI from 'openai'
import { describe, expect, it } from 'vitest'
import { useEmulator } from './use-emulator.ts'
import { mantleClient, signedFetch, testApiKey } from './mantle-clients.ts'

const model = 'openai.gpt-oss-120b'
const user = (content: string) => [{ role: 'user' as const, content }]
const emulator = useEmulator()

async function rawSse(body: unknown): Promise<string> {
  const response = await fetch(`${emulator.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${testApiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
  return response.text()
}

describe('Mantle chat completions', () => {
  it('echoes the last user message with word-count usage', async () => {
    const out = await mantleClient(emulator.url).chat.completions.create({
      model,
      messages: [{ role: 'system', content: 'Be brief.' }, ...user('hello there')],
    })
    expect(out.object).toBe('chat.completion')
    expect(out.id).toMatch(/^chatcmpl-[0-9a-f]{24}$/)
    expect(out.model).toBe(model)
    expect(out.choices).toEqual([
      {
        index: 0,
        message: { role: 'assistant', content: 'Echo: hello there', refusal: null },
        logprobs: null,
        finish_reason: 'stop',
      },
    ])
    expect(out.usage).toEqual({
      prompt_tokens: 4,
      completion_tokens: 3,
      total_tokens: 7,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    })
  })

  it('returns scripted reasoning and tool calls in the message', async () => {
    emulator.script({
      scenario: {
        reply: {
          reasoning: { text: 'Need the weather.', signature: 's' },
          toolCalls: [{ name: 'get_weather', input: { city: 'Paris' } }],
        },
      },
    })
    const out = await mantleClient(emulator.url).chat.completions.create({
      model,
      messages: user('weather?'),
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: {} } }],
    })
    const [choice] = out.choices
    expect(choice?.finish_reason).toBe('tool_calls')
    expect(choice?.message).toEqual({
      role: 'assistant',
      content: null,
      refusal: null,
      reasoning: 'Need the weather.',
      tool_calls: [
        {
          id: 'call_emulator_1',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
        },
      ],
    })
    expect(out.usage?.completion_tokens_details?.reasoning_tokens).toBe(3)
  })

  it('streams OpenAI chunks: role first, content deltas, finish, usage chunk, [DONE]', async () => {
    emulator.script({ scenario: { reply: { text: 'The quick brown fox.' }, chunkSize: 8 } })
    const text = await rawSse({
      model,
      messages: user('go'),
      stream: true,
      stream_options: { include_usage: true },
    })
    const events = text.split('\n\n').filter((event) => event !== '')
    expect(events.every((event) => event.startsWith('data: '))).toBe(true)
    expect(events.at(-1)).toBe('data: [DONE]')
    const chunks = events
      .slice(0, -1)
      .map((event) => JSON.parse(event.slice(6)) as OpenAI.ChatCompletionChunk)
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1)
    expect(chunks.map((c) => c.choices[0]?.delta ?? null)).toEqual([
      { role: 'assistant', content: '', refusal: null },
      { content: 'The quic' },
      { content: 'k brown ' },
      { content: 'fox.' },
      {},
      null,
    ])
    expect(chunks.map((c) => c.choices[0]?.finish_reason)).toEqual([
      null,
      null,
      null,
      null,
      'stop',
      undefined,
    ])
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true)
    expect(chunks.at(-1)).toMatchObject({
      object: 'chat.completion.chunk',
      choices: [],
      usage: { prompt_tokens: 1, completion_tokens: 4, total_tokens: 5 },
    })
  })

  it('leaves usage out of chunks without include_usage', async () => {
    const text = await rawSse({ model, messages: user('hi'), stream: true })
    expect(text).not.toContain('"usage"')
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true)
  })

  it('streams tool calls as a header chunk plus argument pieces the SDK reassembles', async () => {
    emulator.script({
      scenario: {
        reply: { toolCalls: [{ id: 'call_1', name: 'lookup', input: { q: 'emulators' } }] },
      },
    })
    const stream = await mantleClient(emulator.url).chat.completions.create({
      model,
      messages: user('look it up'),
      stream: true,
    })
    let name = ''
    let args = ''
    const pieces: string[] = []
    let finish: string | null | undefined
    for await (const chunk of stream) {
      const call = chunk.choices[0]?.delta.tool_calls?.[0]
      if (call?.function?.name !== undefined) name = call.function.name
      if (call?.function?.arguments) pieces.push(call.function.arguments)
      args += call?.function?.arguments ?? ''
      finish = chunk.choices[0]?.finish_reason ?? finish
    }
    expect(name).toBe('lookup')
    expect(JSON.parse(args)).toEqual({ q: 'emulators' })
    expect(pieces.length).toBeGreaterThan(1)
    expect(finish).toBe('tool_calls')
  })

  it('records the OpenAI-Project header, the bearer key and the model', async () => {
    const client = mantleClient(emulator.url, '/v1', { project: 'proj_abc' })
    await client.chat.completions.create({ model, messages: user('hi') })
    expect(emulator.requests()).toMatchObject([
      {
        operation: 'mantle-chat',
        method: 'POST',
        path: '/v1/chat/completions',
        modelId: model,
        project: 'proj_abc',
        auth: { kind: 'bearer', token: testApiKey },
        headers: { 'openai-project': 'proj_abc' },
        body: { model, messages: user('hi') },
      },
    ])
  })

  it('accepts SigV4 signed for bedrock-mantle and records the signing scope', async () => {
    const response = await signedFetch(`${emulator.url}/v1/chat/completions`, {
      method: 'POST',
      body: { model, messages: user('signed') },
      region: 'us-east-2',
      headers: { 'openai-project': 'proj_signed' },
    })
    expect(response.status).toBe(200)
    expect(emulator.requests()).toMatchObject([
      {
        project: 'proj_signed',
        auth: { kind: 'sigv4', region: 'us-east-2', service: 'bedrock-mantle' },
      },
    ])
  })

  it('serves models on /openai/v1 that live there', async () => {
    const out = await mantleClient(emulator.url, '/openai/v1').chat.completions.create({
      model: 'xai.grok-4.3',
      messages: user('hi'),
    })
    expect(out.choices[0]?.message.content).toBe('Echo: hi')
  })
})

describe('Mantle chat errors', () => {
  it.each([
    {
      name: 'a /v1 model on /openai/v1',
      prefix: '/openai/v1' as const,
      model,
      status: 400,
      message: `model \`${model}\` isn't supported on this route`,
    },
    {
      name: 'a Responses-only model',
      prefix: '/openai/v1' as const,
      model: 'openai.gpt-5.4',
      status: 400,
      message: "The model 'openai.gpt-5.4' does not support the '/openai/v1/chat/completions' API",
    },
    {
      name: 'an unknown model',
      prefix: '/v1' as const,
      model: 'openai.gpt-9',
      status: 404,
      message: 'The model `openai.gpt-9` does not exist or you do not have access to it.',
    },
  ])('rejects $name in OpenAI shape', async ({ prefix, model, status, message }) => {
    const call = mantleClient(emulator.url, prefix).chat.completions.create({
      model,
      messages: user('hi'),
    })
    const error = await call.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(status === 404 ? OpenAI.NotFoundError : OpenAI.BadRequestError)
    expect(error).toMatchObject({ status, error: { message, param: 'model' } })
  })

  it('maps a scripted throttle to a RateLimitError and an httpError to its status', async () => {
    emulator.script({ scenario: { fault: { kind: 'error', exception: 'ThrottlingException' } } })
    emulator.script({
      scenario: { fault: { kind: 'httpError', status: 503, message: 'busy', code: 'overloaded' } },
    })
    const client = mantleClient(emulator.url)
    const first = await client.chat.completions
      .create({ model, messages: user('a') })
      .catch((e: unknown) => e)
    expect(first).toBeInstanceOf(OpenAI.RateLimitError)
    expect(first).toMatchObject({
      status: 429,
      error: { type: 'rate_limit_error', code: 'rate_limit_exceeded' },
    })
    const second = await client.chat.completions
      .create({ model, messages: user('b') })
      .catch((e: unknown) => e)
    expect(second).toBeInstanceOf(OpenAI.InternalServerError)
    expect(second).toMatchObject({
      status: 503,
      error: { message: 'busy', type: 'server_error', code: 'overloaded', param: null },
    })
  })

  it('rejects a malformed body with the missing parameter named', async () => {
    const error = await mantleClient(emulator.url)
      .chat.completions.create({ model } as never)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpenAI.BadRequestError)
    expect(error).toMatchObject({
      error: { message: "Missing required parameter: 'messages'.", param: 'messages' },
    })
  })

  it('answers a request without credentials with 401', async () => {
    const response = await fetch(`${emulator.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model, messages: user('hi') }),
    })
    expect(response.status).toBe(401)
    expect(await response.json()).toMatchObject({
      error: { type: 'authentication_error', code: 'invalid_api_key', param: null },
    })
  })

  it('ends a stream with an error event the SDK throws as an APIError', async () => {
    emulator.script({
      scenario: {
        reply: { text: 'abcdefgh' },
        chunkSize: 2,
        fault: { kind: 'midStreamException', afterEvents: 3, exception: 'throttlingException' },
      },
    })
    const stream = await mantleClient(emulator.url).chat.completions.create({
      model,
      messages: user('go'),
      stream: true,
    })
    const seen: string[] = []
    const failure = await (async () => {
      for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? '')
    })().catch((e: unknown) => e)
    expect(seen).toEqual(['', 'ab', 'cd'])
    expect(failure).toBeInstanceOf(OpenAI.APIError)
    expect(failure).toMatchObject({
      error: { code: 'rate_limit_exceeded', type: 'rate_limit_error' },
    })
  })

  it('honours first-token delay and hang faults', async () => {
    emulator.script({ scenario: { firstTokenDelayMs: 120 } })
    const started = performance.now()
    await mantleClient(emulator.url).chat.completions.create({ model, messages: user('hi') })
    expect(performance.now() - started).toBeGreaterThanOrEqual(110)

    emulator.script({ scenario: { fault: { kind: 'hang' } } })
    const client = mantleClient(emulator.url, '/v1', { timeout: 200 })
    await expect(
      client.chat.completions.create({ model, messages: user('hi') }),
    ).rejects.toBeInstanceOf(OpenAI.APIConnectionTimeoutError)
  })
})
