import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import OpenAI from 'openai'
import { afterEach, describe, expect, it } from 'vitest'
import { readChatStream } from './chat-stream.ts'

const chunk = (content: string, finishReason: string | null) =>
  `data: ${JSON.stringify({
    id: 'c1',
    object: 'chat.completion.chunk',
    created: 0,
    model: 'm',
    choices: [{ index: 0, delta: { content }, finish_reason: finishReason }],
  })}\n\n`

let close: (() => void) | undefined
afterEach(() => {
  close?.()
  close = undefined
})

/** A local server that answers every request with `answer`, and a client without retries. */
async function clientOf(answer: (res: ServerResponse) => void): Promise<OpenAI> {
  const server = createServer((_req, res) => {
    answer(res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  close = () => {
    server.closeAllConnections()
    server.close()
  }
  const { port } = server.address() as AddressInfo
  return new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'k', maxRetries: 0 })
}

const sse = (res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'text/event-stream' })
}

describe('readChatStream', () => {
  it('is complete when a chunk carries a finish_reason', async () => {
    const client = await clientOf((res) => {
      sse(res)
      res.end(chunk('Hel', null) + chunk('lo', 'stop') + 'data: [DONE]\n\n')
    })
    expect(await readChatStream(client, 'm', 'hi')).toEqual({
      started: true,
      complete: true,
      chunks: 2,
      text: 'Hello',
    })
  })

  it('is broken when the stream ends without a finish_reason', async () => {
    const client = await clientOf((res) => {
      sse(res)
      res.end(chunk('Hel', null))
    })
    expect(await readChatStream(client, 'm', 'hi')).toMatchObject({
      started: true,
      complete: false,
      error: 'stream ended without a finish_reason',
    })
  })

  it('is broken when the connection is cut mid-stream', async () => {
    const client = await clientOf((res) => {
      sse(res)
      res.write(chunk('Hel', null), () => res.destroy())
    })
    expect(await readChatStream(client, 'm', 'hi')).toMatchObject({
      started: true,
      complete: false,
    })
  })

  it('never started when the gateway refuses the request', async () => {
    const client = await clientOf((res) => {
      res.writeHead(503, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: { message: 'draining', type: 'server_error' } }))
    })
    expect(await readChatStream(client, 'm', 'hi')).toMatchObject({
      started: false,
      complete: false,
      chunks: 0,
    })
  })
})
