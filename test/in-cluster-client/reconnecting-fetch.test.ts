import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import OpenAI from 'openai'
import { afterEach, describe, expect, it } from 'vitest'
import { reconnectingFetch, type Reconnects } from './reconnecting-fetch.ts'

let close: (() => void) | undefined
afterEach(() => {
  close?.()
  close = undefined
})

const completion = {
  id: 'c1',
  object: 'chat.completion',
  created: 0,
  model: 'm',
  choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
}

/** A server that drops the connection of its first `drops` requests without answering. */
async function serverDropping(drops: number): Promise<{ url: string; seen: () => number }> {
  let seen = 0
  const server = createServer((_req, res) => {
    seen += 1
    if (seen <= drops) {
      res.socket?.destroy()
      return
    }
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify(completion))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  close = () => {
    server.closeAllConnections()
    server.close()
  }
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${String(port)}/v1`, seen: () => seen }
}

const ask = (client: OpenAI) =>
  client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] })

/** A client that never retries an answer, over the reconnecting fetch. */
function clientOf(baseURL: string): { client: OpenAI; reconnects: Reconnects } {
  const reconnects: Reconnects = { count: 0, causes: [] }
  const fetch = reconnectingFetch(reconnects)
  return { client: new OpenAI({ baseURL, apiKey: 'k', maxRetries: 0, fetch }), reconnects }
}

describe('reconnectingFetch', () => {
  it('sends a request again once when its connection closed before an answer, and counts it', async () => {
    const server = await serverDropping(1)
    const { client, reconnects } = clientOf(server.url)
    expect((await ask(client)).choices[0]?.message.content).toBe('hi')
    expect(server.seen()).toBe(2)
    expect(reconnects.count).toBe(1)
    expect(reconnects.causes[0]).toMatch(/closed|reset|socket/i)
  })

  it('tries only once more: a second failure reaches the caller', async () => {
    const server = await serverDropping(2)
    const { client, reconnects } = clientOf(server.url)
    await expect(ask(client)).rejects.toThrow(/Connection error/)
    expect(server.seen()).toBe(2)
    expect(reconnects.count).toBe(1)
  })
})
