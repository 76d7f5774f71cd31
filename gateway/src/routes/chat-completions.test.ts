import { describe, expect, it, vi } from 'vitest'
import {
  createTestApp,
  NOW_MS,
  postChat,
  textChunk,
  usageChunk,
} from '../../test-support/app-test-kit.ts'
import { GatewayError } from '../errors/gateway-error.ts'
import { testTableInput } from '../../test-support/test-tables.ts'
import { routingTableSchema } from '@strata/crds'
import { createRoutingState } from '../routing/routing-state.ts'

const hello = { model: 'claude', messages: [{ role: 'user', content: 'Hi' }] }

/** The data lines of an SSE body, parsed; comments are kept as `:comment` strings. */
async function sseEvents(response: Response): Promise<unknown[]> {
  const text = await response.text()
  return text
    .split('\n\n')
    .filter((block) => block !== '')
    .map((block) => (block.startsWith(':') ? ':comment' : block.replace(/^data: /, '')))
    .map((data) =>
      data === '[DONE]' || data === ':comment' ? data : (JSON.parse(data) as unknown),
    )
}

describe('chat completions without streaming', () => {
  it('answers with the backend completion, echoing the alias', async () => {
    const { app, backend } = createTestApp()
    const response = await postChat(app, hello)
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({
      id: 'chatcmpl-test',
      object: 'chat.completion',
      created: NOW_MS / 1000,
      model: 'claude',
      choices: [{ message: { content: 'Hello!' } }],
    })
    expect(backend.calls).toHaveLength(1)
    expect(backend.calls[0]?.target).toEqual({
      kind: 'converse',
      modelId: 'us.anthropic.claude-sonnet-4-6',
      region: 'us-east-1',
      projectId: 'proj_support',
    })
    expect(backend.calls[0]?.context).toMatchObject({
      id: 'chatcmpl-test',
      created: NOW_MS / 1000,
      model: 'claude',
    })
  })

  it('routes by the alias within the caller project', async () => {
    const { app, backend } = createTestApp()
    await postChat(app, { ...hello, model: 'gpt-4o' })
    expect(backend.calls[0]?.target).toMatchObject({ kind: 'mantle', projectId: 'proj_support' })
  })

  it('404s an alias the project does not have, in OpenAI words', async () => {
    const { app, backend } = createTestApp()
    const response = await postChat(app, { ...hello, model: 'nova' })
    expect(response.status).toBe(404)
    expect(await response.json()).toEqual({
      error: {
        message: 'The model `nova` does not exist or you do not have access to it.',
        type: 'invalid_request_error',
        param: null,
        code: 'model_not_found',
      },
    })
    expect(backend.calls).toEqual([])
  })

  it('400s malformed JSON', async () => {
    const { app } = createTestApp()
    const response = await postChat(app, '{"model": "claude", ')
    expect(response.status).toBe(400)
    const body = (await response.json()) as { error: { type: string; message: string } }
    expect(body.error.type).toBe('invalid_request_error')
    expect(body.error.message).toContain('could not parse the JSON')
  })

  it('400s a request the schema refuses, naming the parameter', async () => {
    const { app } = createTestApp()
    const response = await postChat(app, { model: 'claude', messages: [] })
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({
      error: { type: 'invalid_request_error', param: 'messages' },
    })
  })

  it('413s a body over the limit, declared or chunked', async () => {
    const { app, deps } = createTestApp()
    const limited = createTestApp({ options: { ...deps.options, maxBodyBytes: 100 } })
    const big = { ...hello, messages: [{ role: 'user', content: 'x'.repeat(200) }] }
    const declared = await postChat(limited.app, big)
    expect(declared.status).toBe(413)
    expect(await declared.json()).toMatchObject({
      error: { type: 'invalid_request_error', code: 'request_too_large' },
    })
    const stream = new Blob([JSON.stringify(big)]).stream()
    const chunked = await postChat(limited.app, undefined, { body: stream, duplex: 'half' })
    expect(chunked.status).toBe(413)
    expect((await postChat(app, big)).status).toBe(200)
  })

  it('renders a backend GatewayError with its status and Retry-After', async () => {
    const { app, backend } = createTestApp()
    backend.completeWith = () =>
      Promise.reject(
        new GatewayError(429, 'rate_limit_error', 'Too many tokens.', {
          code: 'rate_limit_exceeded',
          retryAfterSeconds: 3,
        }),
      )
    const response = await postChat(app, hello)
    expect(response.status).toBe(429)
    expect(response.headers.get('retry-after')).toBe('3')
    expect(await response.json()).toEqual({
      error: {
        message: 'Too many tokens.',
        type: 'rate_limit_error',
        param: null,
        code: 'rate_limit_exceeded',
      },
    })
  })

  it('hides unexpected failures behind an opaque 500', async () => {
    const { app, backend } = createTestApp()
    backend.completeWith = () =>
      Promise.reject(new Error('socket hang up at 10.0.0.7 with secret=abc'))
    const response = await postChat(app, hello)
    expect(response.status).toBe(500)
    const text = await response.text()
    expect(JSON.parse(text)).toMatchObject({
      error: { type: 'server_error', code: 'internal_error' },
    })
    expect(text).not.toContain('secret')
  })

  it('aborts the backend call when the client goes away', async () => {
    const { app, backend } = createTestApp()
    const client = new AbortController()
    backend.completeWith = (call) =>
      new Promise((_resolve, reject) => {
        call.context.signal.addEventListener('abort', () => {
          reject(new Error('aborted'))
        })
        client.abort()
      })
    const response = await postChat(app, hello, { signal: client.signal })
    expect(backend.calls[0]?.context.signal.aborted).toBe(true)
    expect(response.status).toBe(499)
  })

  it('applies the route limits: defaults, token cap and timeout', async () => {
    const input = testTableInput()
    const route = input.projects[0]?.routes[0]
    if (route === undefined) throw new Error('fixture has a route')
    route.limits = { maxOutputTokens: 50, timeoutMs: 30 }
    route.defaults = { temperature: 0.3 }
    const { app, backend } = createTestApp({
      routing: createRoutingState(routingTableSchema.parse(input)).current,
    })
    backend.completeWith = (call) =>
      new Promise((_resolve, reject) => {
        call.context.signal.addEventListener('abort', () => {
          reject(new Error('aborted'))
        })
      })
    const response = await postChat(app, { ...hello, max_completion_tokens: 500 })
    expect(response.status).toBe(504)
    expect(await response.json()).toMatchObject({
      error: { type: 'timeout_error', code: 'upstream_timeout' },
    })
    expect(backend.calls[0]?.request).toMatchObject({ max_completion_tokens: 50, temperature: 0.3 })
  })
})

describe('chat completions with streaming', () => {
  it('streams chunks as SSE and ends with [DONE], without the usage chunk unless asked', async () => {
    const { app } = createTestApp()
    const response = await postChat(app, { ...hello, stream: true })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    expect(await sseEvents(response)).toEqual([textChunk('Hel'), textChunk('lo', 'stop'), '[DONE]'])
  })

  it('forwards the usage chunk when stream_options.include_usage is set', async () => {
    const { app } = createTestApp()
    const response = await postChat(app, {
      ...hello,
      stream: true,
      stream_options: { include_usage: true },
    })
    expect(await sseEvents(response)).toEqual([
      textChunk('Hel'),
      textChunk('lo', 'stop'),
      usageChunk(),
      '[DONE]',
    ])
  })

  it('turns a failure before the first chunk into an ordinary HTTP error', async () => {
    const { app, backend } = createTestApp()
    backend.script = [
      new GatewayError(429, 'rate_limit_error', 'Slow down.', { retryAfterSeconds: 2 }),
    ]
    const response = await postChat(app, { ...hello, stream: true })
    expect(response.status).toBe(429)
    expect(response.headers.get('content-type')).toContain('application/json')
    expect(await response.json()).toMatchObject({
      error: { type: 'rate_limit_error', message: 'Slow down.' },
    })
  })

  it('turns a failure after the first chunk into one error event, and no [DONE]', async () => {
    const { app, backend } = createTestApp()
    backend.script = [
      textChunk('Hel'),
      new GatewayError(503, 'server_error', 'The model stream failed.', {
        code: 'model_stream_error',
      }),
    ]
    const response = await postChat(app, { ...hello, stream: true })
    expect(response.status).toBe(200)
    expect(await sseEvents(response)).toEqual([
      textChunk('Hel'),
      {
        error: {
          message: 'The model stream failed.',
          type: 'server_error',
          param: null,
          code: 'model_stream_error',
        },
      },
    ])
  })

  // Fake timers: under CPU load real timers fired late and together, so fewer comments came than
  // the silence was long, which says nothing about keep-alives.
  it('sends keep-alive comments while the model is silent', async () => {
    vi.useFakeTimers()
    try {
      const { deps } = createTestApp()
      const patient = createTestApp({ options: { ...deps.options, keepAliveMs: 20 } })
      patient.backend.script = [textChunk('a'), { delayMs: 90 }, textChunk('b', 'stop')]
      const response = await postChat(patient.app, { ...hello, stream: true })
      const reading = sseEvents(response)
      await vi.advanceTimersByTimeAsync(90)
      const events = await reading
      expect(events[0]).toEqual(textChunk('a'))
      expect(events.filter((event) => event === ':comment').length).toBeGreaterThanOrEqual(2)
      expect(events.slice(-2)).toEqual([textChunk('b', 'stop'), '[DONE]'])
    } finally {
      vi.useRealTimers()
    }
  })

  it('aborts the backend when the client cancels the stream', async () => {
    const { app, backend } = createTestApp()
    backend.script = [textChunk('a'), 'hang']
    const response = await postChat(app, { ...hello, stream: true })
    const reader = response.body?.getReader()
    if (reader === undefined) throw new Error('streaming response has a body')
    await reader.read()
    await reader.cancel()
    expect(backend.calls[0]?.context.signal.aborted).toBe(true)
  })

  it('bounds the wait for the first chunk by the route timeout, not the rest of the stream', async () => {
    const input = testTableInput()
    const route = input.projects[0]?.routes[0]
    if (route === undefined) throw new Error('fixture has a route')
    route.limits = { timeoutMs: 40 }
    const { app, backend } = createTestApp({
      routing: createRoutingState(routingTableSchema.parse(input)).current,
    })
    backend.script = ['hang']
    expect((await postChat(app, { ...hello, stream: true })).status).toBe(504)
    backend.script = [textChunk('a'), { delayMs: 80 }, textChunk('b', 'stop')]
    const events = await sseEvents(await postChat(app, { ...hello, stream: true }))
    expect(events.at(-1)).toBe('[DONE]')
  })
})
