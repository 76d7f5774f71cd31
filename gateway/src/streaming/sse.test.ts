import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import OpenAI, { APIError } from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GatewayError } from '../errors/gateway-error.ts'
import type { ChatCompletionChunk } from '../openai/chat-completions.ts'
import {
  sseData,
  sseDone,
  sseError,
  sseKeepAlive,
  toChatCompletionSse,
  withKeepAlive,
} from './sse.ts'

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

async function* chunksThen(
  chunks: ChatCompletionChunk[],
  failure?: Error,
): AsyncGenerator<ChatCompletionChunk> {
  for (const chunk of chunks) {
    await Promise.resolve()
    yield chunk
  }
  if (failure !== undefined) throw failure
}

async function text(events: AsyncIterable<string>): Promise<string> {
  let out = ''
  for await (const event of events) out += event
  return out
}

describe('SSE encoding', () => {
  it('writes data lines, the done marker and keep-alive comments', () => {
    expect(sseData({ a: 'line\nbreak' })).toBe('data: {"a":"line\\nbreak"}\n\n')
    expect(sseDone).toBe('data: [DONE]\n\n')
    expect(sseKeepAlive).toBe(': keep-alive\n\n')
    expect(sseError(throttled)).toBe(
      'data: {"error":{"message":"Slow down.","type":"rate_limit_error","param":null,"code":"rate_limit_exceeded"}}\n\n',
    )
  })

  it('ends a good stream with [DONE] and forwards usage only when asked', async () => {
    const without = await text(
      toChatCompletionSse(chunksThen([content('a'), finish, usage]), { includeUsage: false }),
    )
    expect(without).toBe(`${sseData(content('a'))}${sseData(finish)}${sseDone}`)
    const withUsage = await text(
      toChatCompletionSse(chunksThen([content('a'), finish, usage]), { includeUsage: true }),
    )
    expect(withUsage).toBe(`${sseData(content('a'))}${sseData(finish)}${sseData(usage)}${sseDone}`)
  })

  it('ends a failed stream with exactly one error event and no [DONE]', async () => {
    const out = await text(
      toChatCompletionSse(chunksThen([content('a')], throttled), { includeUsage: true }),
    )
    expect(out).toBe(`${sseData(content('a'))}${sseError(throttled)}`)
  })

  it('hides the details of unexpected failures', async () => {
    const out = await text(
      toChatCompletionSse(chunksThen([], new Error('secret internals')), { includeUsage: false }),
    )
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
      void (async () => {
        for await (const event of toChatCompletionSse(
          chunksThen([content('Hel'), content('lo')], failure),
          { includeUsage: false },
        ))
          response.write(event)
        response.end()
      })()
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

describe('withKeepAlive', () => {
  it('fills silences with keep-alives without losing or reordering items', async () => {
    let release: () => void = () => undefined
    const gate = new Promise<void>((resolve) => (release = resolve))
    async function* slow(): AsyncGenerator<string> {
      yield 'first'
      await gate
      yield 'second'
    }
    const seen: string[] = []
    const reading = (async () => {
      for await (const item of withKeepAlive(slow(), 10, 'ping')) seen.push(item)
    })()
    await sleep(55)
    release()
    await reading
    expect(seen[0]).toBe('first')
    expect(seen.at(-1)).toBe('second')
    expect(seen.filter((item) => item === 'ping').length).toBeGreaterThanOrEqual(2)
    expect(seen.filter((item) => item !== 'ping')).toEqual(['first', 'second'])
  })

  it('stops the source when the consumer stops', async () => {
    let closed = false
    async function* endless(): AsyncGenerator<number> {
      try {
        for (let index = 0; ; index++) {
          await Promise.resolve()
          yield index
        }
      } finally {
        closed = true
      }
    }
    for await (const item of withKeepAlive(endless(), 1000, -1)) if (item === 3) break
    expect(closed).toBe(true)
  })
})
