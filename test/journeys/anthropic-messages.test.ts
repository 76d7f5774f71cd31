// Journeys of a team on Anthropic's Messages API through strata-gateway, with the official
// `@anthropic-ai/sdk`: Claude is reached with Bedrock InvokeModel(WithResponseStream) and its
// content passes through untouched; errors are Anthropic's types, statuses and SDK classes.
import { createHash } from 'node:crypto'
import Anthropic from '@anthropic-ai/sdk'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  BLOCKED_INPUT_MESSAGE,
  BLOCKED_OUTPUT_MESSAGE,
  GUARDRAIL_TRIGGER_WORD,
} from '../emulator/guardrails.ts'
import { eventually } from '../support/kube.ts'
import { DEMO_KEY, journeyTable, startJourney, type Journey } from '../support/journey.ts'

const OTHER_KEY = 'sk-strata-journey-other-project'
const HAIKU = 'anthropic.claude-haiku-4-5-20251001-v1:0'
const sha256 = (key: string): string => createHash('sha256').update(key).digest('hex')

type Table = { projects: { routes: unknown[] }[] }

function table(): unknown {
  const base = journeyTable() as Table
  const claude = {
    kind: 'converse',
    modelId: 'us.anthropic.claude-sonnet-4-6',
    region: 'us-east-1',
  }
  base.projects[0]?.routes.push(
    {
      name: 'claude-strict',
      namespace: 'default',
      model: 'claude-strict',
      strict: true,
      backends: [claude],
    },
    {
      name: 'claude-fallback',
      namespace: 'default',
      model: 'claude-fallback',
      backends: [
        { ...claude, name: 'sonnet', priority: 0 },
        {
          kind: 'converse',
          name: 'nova',
          modelId: 'amazon.nova-lite-v1:0',
          region: 'us-east-1',
          priority: 1,
        },
        { kind: 'converse', name: 'haiku', modelId: HAIKU, region: 'us-east-1', priority: 2 },
      ],
    },
    {
      name: 'claude-guarded',
      namespace: 'default',
      model: 'claude-guarded',
      guardrail: { identifier: 'gr0route', version: '1' },
      backends: [claude],
    },
    {
      name: 'claude-sonnet-4-6',
      namespace: 'default',
      model: 'claude-sonnet-4-6',
      backends: [claude],
    },
  )
  base.projects.push({
    name: 'other',
    namespace: 'other',
    projectId: 'proj_other',
    keys: [{ sha256: sha256(OTHER_KEY) }],
    routes: [
      { name: 'other-claude', namespace: 'other', model: 'other-claude', backends: [claude] },
    ],
  } as Table['projects'][number])
  return base
}

let journey: Journey
let anthropic: Anthropic

beforeAll(async () => {
  journey = await startJourney('anthropic-messages', {
    table: table(),
    gatewayArgs: ['--max-body-bytes', '65536'],
  })
  anthropic = client(DEMO_KEY)
})

afterAll(async () => {
  await journey.stop()
})

beforeEach(async () => {
  await journey.bedrock.reset()
})

function client(
  apiKey: string,
  options: Partial<ConstructorParameters<typeof Anthropic>[0]> = {},
): Anthropic {
  return new Anthropic({
    baseURL: journey.gateway.url,
    apiKey,
    maxRetries: 0,
    timeout: 20_000,
    ...options,
  })
}

async function failure(call: Promise<unknown>): Promise<InstanceType<typeof Anthropic.APIError>> {
  const error: unknown = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(Anthropic.APIError)
  return error as InstanceType<typeof Anthropic.APIError>
}

async function lastInvokeBody(): Promise<Record<string, unknown>> {
  const requests = await journey.bedrock.requests()
  const last = requests.findLast((request) => request.operation.startsWith('invoke-model'))
  if (last === undefined) throw new Error('the gateway sent no InvokeModel request')
  return last.body as Record<string, unknown>
}

const hello: Anthropic.MessageCreateParamsNonStreaming = {
  model: 'claude',
  max_tokens: 256,
  messages: [{ role: 'user', content: 'Hello there' }],
}

describe('plain and streamed messages', () => {
  it('answers one Message through InvokeModel with the Bedrock body', async () => {
    const message = await anthropic.messages.create({ ...hello, system: 'Be brief.' })
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude',
      content: [{ type: 'text', text: 'Echo: Hello there' }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 4, output_tokens: 3 },
    })
    const requests = await journey.bedrock.requests()
    expect(requests).toMatchObject([
      { operation: 'invoke-model', modelId: 'us.anthropic.claude-sonnet-4-6' },
    ])
    expect(requests[0]?.body).toEqual({
      anthropic_version: 'bedrock-2023-05-31',
      max_tokens: 256,
      system: 'Be brief.',
      messages: hello.messages,
    })
  })

  it('streams the event sequence the SDK assembles, with the key in Authorization: Bearer', async () => {
    await journey.bedrock.script({
      scenario: { reply: { text: 'Streaming works fine.' }, chunkSize: 5 },
    })
    const bearer = client('', { apiKey: null, authToken: DEMO_KEY })
    const stream = bearer.messages.stream(hello)
    const types: string[] = []
    stream.on('streamEvent', (event) => types.push(event.type))
    const message = await stream.finalMessage()
    expect(message.content).toMatchObject([{ type: 'text', text: 'Streaming works fine.' }])
    expect(message.model).toBe('claude')
    expect(types[0]).toBe('message_start')
    expect(types.at(-1)).toBe('message_stop')
    expect(types.filter((type) => type === 'content_block_delta')).toHaveLength(5)
    expect(await journey.bedrock.requests()).toMatchObject([{ operation: 'invoke-model-stream' }])
  })
})

describe('tools and thinking', () => {
  const tools: Anthropic.Tool[] = [
    {
      name: 'read_file',
      description: 'Reads a file.',
      input_schema: {
        type: 'object',
        properties: { path: { type: 'string' } },
        required: ['path'],
      },
    },
  ]

  it('asks for a tool, then answers from its result', async () => {
    await journey.bedrock.script({
      scenario: {
        reply: { toolCalls: [{ id: 'toolu_01', name: 'read_file', input: { path: 'a.txt' } }] },
      },
    })
    const ask: Anthropic.MessageParam = { role: 'user', content: 'What is in a.txt?' }
    const first = await anthropic.messages
      .stream({ ...hello, tools, messages: [ask] })
      .finalMessage()
    expect(first.stop_reason).toBe('tool_use')
    expect(first.content).toEqual([
      { type: 'tool_use', id: 'toolu_01', name: 'read_file', input: { path: 'a.txt' } },
    ])
    const second = await anthropic.messages.create({
      ...hello,
      tools,
      messages: [
        ask,
        { role: 'assistant', content: first.content },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: 'forty-two' }],
        },
      ],
    })
    expect(second.content).toEqual([{ type: 'text', text: 'Echo: forty-two' }])
  })

  it.each([false, true])('replays thinking with its signature (streamed: %s)', async (streamed) => {
    await journey.bedrock.script({
      scenario: { reply: { reasoning: { text: 'Let me think.', signature: 'x' }, text: 'Six.' } },
    })
    const request = {
      ...hello,
      max_tokens: 2048,
      thinking: { type: 'enabled' as const, budget_tokens: 1024 },
      messages: [{ role: 'user' as const, content: 'Two times three?' }],
    }
    const first = streamed
      ? await anthropic.messages.stream(request).finalMessage()
      : await anthropic.messages.create(request)
    const thinking = first.content[0]
    expect(thinking).toMatchObject({ type: 'thinking', thinking: 'Let me think.' })
    expect(thinking?.type === 'thinking' ? thinking.signature : '').toMatch(/^RW11U2lnM/)
    const replay = await anthropic.messages.create({
      ...request,
      messages: [
        ...request.messages,
        { role: 'assistant', content: first.content },
        { role: 'user', content: 'And?' },
      ],
    })
    expect(replay.content).toEqual([{ type: 'text', text: 'Echo: And?' }])
    const sent = (await lastInvokeBody())['messages'] as { content: unknown }[]
    expect(sent[1]?.content).toEqual(JSON.parse(JSON.stringify(first.content)) as unknown)
  })
})

describe('content passed through untouched', () => {
  it('sends images, documents, citations and cache_control to Bedrock byte for byte', async () => {
    const messages: Anthropic.MessageParam[] = [
      {
        role: 'user',
        content: [
          {
            type: 'image',
            source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgoAAAANSUhEUg==' },
          },
          {
            type: 'document',
            source: { type: 'text', media_type: 'text/plain', data: 'The sky is blue.' },
            citations: { enabled: true },
            cache_control: { type: 'ephemeral' },
          },
          { type: 'text', text: 'What colour is the sky?' },
        ],
      },
    ]
    const system: Anthropic.TextBlockParam[] = [
      { type: 'text', text: 'Cite.', cache_control: { type: 'ephemeral', ttl: '1h' } },
    ]
    await anthropic.messages.create({ ...hello, system, messages })
    const body = await lastInvokeBody()
    expect(JSON.stringify(body['messages'])).toBe(JSON.stringify(messages))
    expect(JSON.stringify(body['system'])).toBe(JSON.stringify(system))
  })

  it('passes redacted thinking out and back', async () => {
    const data = Buffer.from('opaque encrypted reasoning').toString('base64')
    await journey.bedrock.script({
      scenario: { reply: { reasoning: { redacted: data }, text: 'Done.' } },
    })
    const request = {
      ...hello,
      max_tokens: 2048,
      thinking: { type: 'enabled' as const, budget_tokens: 1024 },
    }
    const first = await anthropic.messages.create(request)
    expect(first.content[0]).toEqual({ type: 'redacted_thinking', data })
    await anthropic.messages.create({
      ...request,
      messages: [
        ...request.messages,
        { role: 'assistant', content: first.content },
        { role: 'user', content: 'Go on' },
      ],
    })
    const sent = (await lastInvokeBody())['messages'] as { content: unknown }[]
    expect(sent[1]?.content).toEqual([
      { type: 'redacted_thinking', data },
      { type: 'text', text: 'Done.' },
    ])
  })
})

describe('count_tokens', () => {
  it('counts through Bedrock CountTokens on the foundation model', async () => {
    const counted = await anthropic.messages.countTokens({
      model: 'claude',
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'one two three' }],
    })
    expect(counted).toEqual({ input_tokens: 5 })
    expect(await journey.bedrock.requests()).toMatchObject([
      { operation: 'count-tokens', modelId: 'anthropic.claude-sonnet-4-6' },
    ])
  })
})

describe('anthropic-beta', () => {
  it('passes the flags Bedrock takes as anthropic_beta and announces the rest as dropped', async () => {
    const { response } = await anthropic.messages
      .create(hello, {
        headers: { 'anthropic-beta': 'interleaved-thinking-2025-05-14,claude-code-20250219' },
      })
      .withResponse()
    expect(response.headers.get('x-strata-dropped-params')).toBe(
      'anthropic-beta: claude-code-20250219',
    )
    expect((await lastInvokeBody())['anthropic_beta']).toEqual(['interleaved-thinking-2025-05-14'])
  })

  it('refuses a dropped flag on a strict route', async () => {
    const error = await failure(
      anthropic.messages.create(
        { ...hello, model: 'claude-strict' },
        { headers: { 'anthropic-beta': 'claude-code-20250219' } },
      ),
    )
    expect(error).toBeInstanceOf(Anthropic.BadRequestError)
    expect(error.error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } })
    expect(await journey.bedrock.requests()).toEqual([])
  })
})

// Bedrock's exception → Anthropic's status, type and SDK class.
const bedrockErrors = [
  ['ValidationException', 400, 'invalid_request_error', Anthropic.BadRequestError],
  ['AccessDeniedException', 403, 'permission_error', Anthropic.PermissionDeniedError],
  ['ResourceNotFoundException', 404, 'not_found_error', Anthropic.NotFoundError],
  ['ThrottlingException', 429, 'rate_limit_error', Anthropic.RateLimitError],
  ['ServiceQuotaExceededException', 429, 'rate_limit_error', Anthropic.RateLimitError],
  ['ModelTimeoutException', 408, 'timeout_error', Anthropic.APIError],
  ['ModelErrorException', 502, 'api_error', Anthropic.InternalServerError],
  ['InternalServerException', 500, 'api_error', Anthropic.InternalServerError],
  ['ServiceUnavailableException', 529, 'overloaded_error', Anthropic.InternalServerError],
] as const

describe('errors', () => {
  it.each(bedrockErrors)('%s becomes HTTP %i %s', async (exception, status, type, errorClass) => {
    await journey.bedrock.script({ scenario: { fault: { kind: 'error', exception } } })
    const error = await failure(anthropic.messages.create(hello))
    expect(error).toBeInstanceOf(errorClass)
    expect(error.status).toBe(status)
    expect(error.error).toMatchObject({
      type: 'error',
      error: { type, message: expect.any(String) as unknown },
    })
  })

  it("answers the gateway's own refusals in Anthropic's shape", async () => {
    const cases: [() => Promise<unknown>, number, string][] = [
      [() => client('sk-strata-wrong').messages.create(hello), 401, 'authentication_error'],
      [
        () => anthropic.messages.create({ ...hello, model: 'no-such-model' }),
        404,
        'not_found_error',
      ],
      [() => anthropic.messages.create({ ...hello, model: 'nova' }), 400, 'invalid_request_error'],
      [() => anthropic.messages.create({ ...hello, max_tokens: -1 }), 400, 'invalid_request_error'],
      [
        () =>
          anthropic.messages.create({
            ...hello,
            messages: [{ role: 'user', content: 'x'.repeat(70_000) }],
          }),
        413,
        'request_too_large',
      ],
    ]
    for (const [call, status, type] of cases) {
      const error = await failure(call())
      expect({ status: error.status, error: error.error }).toMatchObject({
        status,
        error: { type: 'error', error: { type } },
      })
    }
  })

  it('refuses a request without anthropic-version', async () => {
    const response = await fetch(`${journey.gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': DEMO_KEY, 'content-type': 'application/json' },
      body: JSON.stringify(hello),
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'anthropic-version: header is required' },
    })
  })

  it('turns a failure after the stream started into an error event', async () => {
    await journey.bedrock.script({
      scenario: {
        fault: { kind: 'midStreamException', afterEvents: 3, exception: 'throttlingException' },
      },
    })
    const stream = anthropic.messages.stream(hello)
    const error = await failure(stream.finalMessage())
    expect(error.error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } })
  })

  it("refuses one project's key on another project's alias", async () => {
    const error = await failure(client(OTHER_KEY).messages.create(hello))
    expect(error).toBeInstanceOf(Anthropic.NotFoundError)
    const own = await client(OTHER_KEY).messages.create({ ...hello, model: 'other-claude' })
    expect(own.content).toEqual([{ type: 'text', text: 'Echo: Hello there' }])
  })
})

describe('a client that hangs up', () => {
  it('cancels the upstream stream', async () => {
    await journey.bedrock.script({
      scenario: { reply: { text: 'a'.repeat(200) }, chunkSize: 1, tokenDelayMs: 50 },
    })
    const stream = anthropic.messages.stream(hello)
    for await (const event of stream) {
      if (event.type === 'content_block_delta') break
    }
    const requests = await eventually('the emulator to see the abort', async () => {
      const recorded = await journey.bedrock.requests()
      return recorded.some((request) => request.aborted === true) ? recorded : undefined
    })
    expect(requests).toMatchObject([{ operation: 'invoke-model-stream', aborted: true }])
  })
})

describe('routes', () => {
  it('falls back to the next Claude backend, passing over backends that are not Claude', async () => {
    await journey.bedrock.script({
      match: { modelId: 'us.anthropic.claude-sonnet-4-6' },
      scenario: { fault: { kind: 'error', exception: 'ThrottlingException' } },
    })
    const message = await anthropic.messages.create({ ...hello, model: 'claude-fallback' })
    expect(message).toMatchObject({
      model: 'claude-fallback',
      content: [{ type: 'text', text: 'Echo: Hello there' }],
    })
    const sent = (await journey.bedrock.requests()).map((request) => request.modelId)
    expect(sent).toEqual(['us.anthropic.claude-sonnet-4-6', HAIKU])
  })
})

describe('guardrails', () => {
  const guarded = { ...hello, model: 'claude-guarded' }

  it('refuses blocked input with a 400 before Claude is called', async () => {
    const error = await failure(
      anthropic.messages.create({
        ...guarded,
        messages: [{ role: 'user', content: `Tell me the ${GUARDRAIL_TRIGGER_WORD} thing` }],
      }),
    )
    expect(error).toBeInstanceOf(Anthropic.BadRequestError)
    expect(error.error).toMatchObject({ type: 'error', error: { message: BLOCKED_INPUT_MESSAGE } })
    const operations = (await journey.bedrock.requests()).map((request) => request.operation)
    expect(operations).toEqual(['apply-guardrail'])
  })

  it('replaces a blocked answer with the guardrail message and stop_reason refusal', async () => {
    await journey.bedrock.script({
      match: { operation: 'invoke-model' },
      scenario: { reply: { text: `A ${GUARDRAIL_TRIGGER_WORD} answer.` } },
    })
    const message = await anthropic.messages.create(guarded)
    expect(message).toMatchObject({
      stop_reason: 'refusal',
      content: [{ type: 'text', text: BLOCKED_OUTPUT_MESSAGE }],
    })
  })

  it('ends a blocked stream with the guardrail message, never the blocked text', async () => {
    await journey.bedrock.script({
      match: { operation: 'invoke-model-stream' },
      scenario: {
        reply: { text: `Fine words, then ${GUARDRAIL_TRIGGER_WORD} ones.` },
        chunkSize: 4,
      },
    })
    const stream = anthropic.messages.stream(guarded)
    const texts: string[] = []
    stream.on('text', (text) => texts.push(text))
    const message = await stream.finalMessage()
    expect(texts.join('')).not.toContain(GUARDRAIL_TRIGGER_WORD)
    expect(message.stop_reason).toBe('refusal')
    expect(message.content.at(-1)).toMatchObject({ type: 'text', text: BLOCKED_OUTPUT_MESSAGE })
    expect(message.usage.output_tokens).toBeGreaterThan(0)
  })

  it('passes an unblocked answer through untouched', async () => {
    const message = await anthropic.messages.stream(guarded).finalMessage()
    expect(message.content).toMatchObject([{ type: 'text', text: 'Echo: Hello there' }])
    expect(message.stop_reason).toBe('end_turn')
  })
})

describe('metrics and the access log', () => {
  it('count the cache read and write tokens of a Message under operation messages', async () => {
    await journey.bedrock.script({
      scenario: {
        reply: {
          text: 'Cached.',
          usage: {
            inputTokens: 4,
            outputTokens: 2,
            cacheReadInputTokens: 300,
            cacheWriteInputTokens: 40,
          },
        },
      },
    })
    const message = await anthropic.messages.create({ ...hello, model: 'claude-sonnet-4-6' })
    expect(message.usage).toMatchObject({
      input_tokens: 4,
      cache_read_input_tokens: 300,
      cache_creation_input_tokens: 40,
    })
    const series = (type: string): string =>
      `gen_ai_client_token_usage_total{project="default/journey",route="default/claude-sonnet-4-6",model="claude-sonnet-4-6",backend="converse",operation="messages",token_type="${type}"}`
    const metrics = await eventually('the usage to be counted', async () => {
      const text = await (await fetch(`${journey.gateway.url}/metrics`)).text()
      return text.includes(series('cached_input')) ? text : undefined
    })
    expect(metrics).toContain(`${series('cached_input')} 300`)
    expect(metrics).toContain(`${series('cache_creation_input')} 40`)
    expect(metrics).toContain(`${series('input')} 4`)
    const access = await eventually('the access line', async () =>
      (await journey.gateway.log())
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .find((line) => line['message'] === 'access' && line['model'] === 'claude-sonnet-4-6'),
    )
    expect(access).toMatchObject({ operation: 'messages', status: 200 })
  })
})
