// /v1/messages and /v1/messages/count_tokens through the Hono app with a stub Messages backend:
// where the key may come from, Anthropic's error shape on every refusal, `ping` keep-alives, the
// error event after the start, and what each call hands the backend.
import { describe, expect, it } from 'vitest'
import { createTestApp } from '../../test-support/app-test-kit.ts'
import type { MessagesBackend, MessagesInvoke } from '../backends/messages-backend.ts'
import { GatewayError } from '../errors/gateway-error.ts'
import { OTHER_PROJECT_KEY, TEST_KEY } from '../../test-support/test-tables.ts'
import type { MessagesStreamEvent } from '../translators/anthropic-to-invoke/stream.ts'

type Step = MessagesStreamEvent | Error | { delayMs: number }

const message = {
  id: 'msg_1',
  type: 'message' as const,
  role: 'assistant' as const,
  model: 'claude',
  content: [{ type: 'text', text: 'Hi.' }],
  stop_reason: 'end_turn',
  usage: { input_tokens: 3, output_tokens: 2 },
}

function stubBackend(script: Step[] = []) {
  const calls: MessagesInvoke[] = []
  const backend: MessagesBackend = {
    create(request) {
      calls.push(request)
      return Promise.resolve(message)
    },
    async *stream(request) {
      calls.push(request)
      for (const step of script) {
        if (step instanceof Error) throw step
        const delayMs = step['delayMs']
        if (typeof delayMs === 'number')
          await new Promise((resolve) => setTimeout(resolve, delayMs))
        else yield step as MessagesStreamEvent
      }
    },
    countTokens(request) {
      calls.push(request)
      return Promise.resolve(42)
    },
  }
  return { backend, calls }
}

function app(script: Step[] = [], keepAliveMs = 15_000) {
  const stub = stubBackend(script)
  const { deps } = createTestApp()
  const { app: built } = createTestApp({
    messages: { backends: { converse: stub.backend, mantle: undefined } },
    options: { ...deps.options, keepAliveMs },
  })
  return { app: built, calls: stub.calls }
}

const anthropicHeaders = { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' }
const hello = { model: 'claude', max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }] }

function post(
  target: ReturnType<typeof app>['app'],
  body: unknown,
  headers: Record<string, string> = { 'x-api-key': TEST_KEY },
  path = '/v1/messages',
) {
  return target.request(path, {
    method: 'POST',
    headers: { ...anthropicHeaders, ...headers },
    body: JSON.stringify(body),
  })
}

describe('POST /v1/messages', () => {
  it('takes the key from x-api-key or Authorization: Bearer, and sends Bedrock its body', async () => {
    const { app: target, calls } = app()
    for (const headers of [{ 'x-api-key': TEST_KEY }, { authorization: `Bearer ${TEST_KEY}` }]) {
      const response = await post(target, hello, headers)
      expect(response.status).toBe(200)
      expect(await response.json()).toEqual(message)
    }
    expect(calls[0]?.body).toEqual({
      anthropic_version: 'bedrock-2023-05-31',
      max_tokens: 64,
      messages: hello.messages,
    })
  })

  it.each([
    ['no key', {}, hello, 401, 'authentication_error'],
    ['a wrong key', { 'x-api-key': 'sk-nope' }, hello, 401, 'authentication_error'],
    [
      'an unknown alias',
      { 'x-api-key': TEST_KEY },
      { ...hello, model: 'x' },
      404,
      'not_found_error',
    ],
    [
      'no messages',
      { 'x-api-key': TEST_KEY },
      { model: 'claude', max_tokens: 1 },
      400,
      'invalid_request_error',
    ],
  ])('answers %s in Anthropic’s shape', async (_what, headers, body, status, type) => {
    const response = await post(app().app, body, headers)
    expect(response.status).toBe(status)
    expect(await response.json()).toMatchObject({ type: 'error', error: { type } })
  })

  it('keeps the model silent behind ping events, then streams and ends with message_stop', async () => {
    const { app: target } = app(
      [
        { delayMs: 120 },
        { type: 'message_start', message: { ...message, content: [] } },
        { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi.' } },
        { type: 'content_block_stop', index: 0 },
        { type: 'message_stop' },
      ],
      20,
    )
    const response = await post(target, { ...hello, stream: true })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('text/event-stream')
    const events = (await response.text()).split('\n\n').filter((block) => block !== '')
    const names = events.map((block) => /^event: (\S+)/.exec(block)?.[1])
    const firstStart = names.indexOf('message_start')
    expect(firstStart).toBeGreaterThanOrEqual(2)
    expect(names.slice(0, firstStart).every((name) => name === 'ping')).toBe(true)
    expect(events[0]).toBe('event: ping\ndata: {"type":"ping"}')
    expect(names.at(-1)).toBe('message_stop')
  })

  it('ends a stream that fails after its start with one Anthropic error event', async () => {
    const { app: target } = app([
      { type: 'message_start', message: { ...message, content: [] } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'H' } },
      new GatewayError(503, 'api_error', 'Bedrock is unavailable.', { upstream: 'unavailable' }),
    ])
    const response = await post(target, { ...hello, stream: true })
    const events = (await response.text()).split('\n\n').filter((block) => block !== '')
    expect(events.at(-1)).toBe(
      'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Bedrock is unavailable."}}',
    )
  })

  it('refuses a route whose backends are not Claude', async () => {
    const { app: target, calls } = app()
    const response = await post(
      target,
      { ...hello, model: 'nova' },
      { 'x-api-key': OTHER_PROJECT_KEY },
    )
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({
      type: 'error',
      error: {
        type: 'invalid_request_error',
        message: expect.stringContaining('Claude') as unknown,
      },
    })
    expect(calls).toEqual([])
  })
})

describe('POST /v1/messages/count_tokens', () => {
  it("answers Anthropic's count from the backend's CountTokens", async () => {
    const { app: target, calls } = app()
    const body = { model: 'claude', messages: hello.messages }
    const response = await post(
      target,
      body,
      { 'x-api-key': TEST_KEY },
      '/v1/messages/count_tokens',
    )
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ input_tokens: 42 })
    expect(calls[0]?.body).toMatchObject({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 1 })
  })
})
