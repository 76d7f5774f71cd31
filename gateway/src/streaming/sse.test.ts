import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import OpenAI, { APIError } from 'openai'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { GatewayError } from '../errors/gateway-error.ts'
import type { ChatCompletionChunk } from '../openai/chat-completions.ts'
import { keepAlive } from './keep-alive.ts'
import {
  chatCompletionSse,
  sseData,
  sseDone,
  sseError,
  sseKeepAlive,
  type SseEncoding,
} from './sse.ts'
import { asGatewayError } from '../errors/catalogue.ts'

const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'm' } as const
const content = (text: string): ChatCompletionChunk => ({
  ...base,
  choices: [{ index: 0, delta: { content: text }, finish_reason: null, logprobs: null }],
})
const finish: ChatCompletionChunk = {
  ...base,
  choices: [{ index: 0, delta: {}, finish_reason: 'stop', logprobs: null }],
}
const usage: ChatCompletionChunk = {
  ...base,
  choices: [],
  usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
}
const throttled = new GatewayError(429, 'rate_limit_error', 'Slow down.', {
  code: 'rate_limit_exceeded',
})

// What pipeline/sse-response.ts writes for these chunks and this failure (which it turns into a
// GatewayError first).
function encodeAll<T>(encoding: SseEncoding<T>, items: T[], failure?: Error): string[] {
  const texts = items.map((item) => encoding.item(item) ?? '').filter((text) => text !== '')
  const last = failure === undefined ? encoding.end : encoding.error(asGatewayError(failure))
  return last === undefined ? texts : [...texts, last]
}

const text = (
  chunks: ChatCompletionChunk[],
  options: { includeUsage: boolean },
  failure?: Error,
): string => encodeAll(chatCompletionSse(options), chunks, failure).join('')

describe('SSE encoding', () => {
  it('writes data lines, the done marker and keep-alive comments', () => {
    expect(sseData({ a: 'line\nbreak' })).toBe('data: {"a":"line\\nbreak"}\n\n')
    expect(sseDone).toBe('data: [DONE]\n\n')
    expect(sseKeepAlive).toBe(': keep-alive\n\n')
    expect(sseError(throttled)).toBe(
      'data: {"error":{"message":"Slow down.","type":"rate_limit_error","param":null,"code":"rate_limit_exceeded"}}\n\n',
    )
  })

  it('ends a good stream with [DONE] and forwards usage only when asked', () => {
    const without = text([content('a'), finish, usage], { includeUsage: false })
    expect(without).toBe(`${sseData(content('a'))}${sseData(finish)}${sseDone}`)
    const withUsage = text([content('a'), finish, usage], { includeUsage: true })
    expect(withUsage).toBe(`${sseData(content('a'))}${sseData(finish)}${sseData(usage)}${sseDone}`)
  })

  it('ends a failed stream with exactly one error event and no [DONE]', () => {
    const out = text([content('a')], { includeUsage: true }, throttled)
    expect(out).toBe(`${sseData(content('a'))}${sseError(throttled)}`)
  })

  it('hides the details of unexpected failures', () => {
    const out = text([], { includeUsage: false }, new Error('secret internals'))
    expect(out).toBe(
      'data: {"error":{"message":"The gateway failed to process the request.","type":"server_error","param":null,"code":"internal_error"}}\n\n',
    )
  })
})

describe('the openai npm client reading our stream', () => {
  let server: Server
  let client: OpenAI
  let failure: Error | undefined

  beforeAll(async () => {
    server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' })
      const events = encodeAll(
        chatCompletionSse({ includeUsage: false }),
        [content('Hel'), content('lo')],
        failure,
      )
      for (const event of events) response.write(event)
      response.end()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    client = new OpenAI({
      baseURL: `http://127.0.0.1:${port}/v1`,
      apiKey: 'sk-test',
      maxRetries: 0,
    })
  })

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve))
  })

  async function read(): Promise<{ texts: string[]; error: unknown }> {
    const texts: string[] = []
    try {
      const stream = await client.chat.completions.create({
        model: 'm',
        messages: [{ role: 'user', content: 'x' }],
        stream: true,
      })
      for await (const chunk of stream) texts.push(chunk.choices[0]?.delta.content ?? '')
    } catch (error) {
      return { texts, error }
    }
    return { texts, error: undefined }
  }

  it('raises a mid-stream error event as an APIError after the chunks before it', async () => {
    failure = throttled
    const { texts, error } = await read()
    expect(texts).toEqual(['Hel', 'lo'])
    expect(error).toBeInstanceOf(APIError)
    expect(error).toMatchObject({
      message: 'Slow down.',
      type: 'rate_limit_error',
      code: 'rate_limit_exceeded',
    })
  })

  it('finishes cleanly without an error', async () => {
    failure = undefined
    expect(await read()).toEqual({ texts: ['Hel', 'lo'], error: undefined })
  })
})

describe('keepAlive', () => {
  // Fake timers make the clock exact: a test against real sleeps saw a wake 0.05 ms early on a
  // loaded machine, which says nothing about the keep-alive's own rule.
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('sends a comment only after a whole silent interval', () => {
    const sent: number[] = []
    const started = Date.now()
    const alive = keepAlive(
      30,
      () => Date.now(),
      () => sent.push(Date.now() - started),
    )
    // Writes every 10 ms keep the stream from being silent.
    for (let index = 0; index < 6; index++) {
      vi.advanceTimersByTime(10)
      alive.wrote(Date.now())
    }
    expect(sent).toEqual([])
    vi.advanceTimersByTime(100)
    // Silent since 60 ms: comments at 90, 120 and 150 ms, each a whole interval after the last.
    expect(sent).toEqual([90, 120, 150])
    alive.stop()
    vi.advanceTimersByTime(70)
    expect(sent).toEqual([90, 120, 150])
  })

  it('counts a wake one millisecond early as the whole interval', () => {
    let clock = 0
    const sent: number[] = []
    const alive = keepAlive(
      30,
      () => clock,
      () => sent.push(clock),
    )
    clock = 29.2
    vi.advanceTimersByTime(30)
    expect(sent).toEqual([29.2])
    alive.stop()
  })
})
