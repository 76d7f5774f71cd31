// The two Node load generators against a local server whose behaviour is known: the rate client
// must keep its schedule and count failures, the stream client must find content chunks by
// marker and time them.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runAtRate } from './rate-client.ts'
import { contentEventsIn, runStreams } from './stream-client.ts'

let server: Server
let base = ''

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume()
    if (req.url === '/fail') {
      res.writeHead(500).end()
      return
    }
    if (req.url === '/stream') {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write('data: {"role":"assistant"}\n\n')
      let sent = 0
      const timer = setInterval(() => {
        res.write(`data: {"content":"tok ${String(sent)}"}\n\n`)
        if (++sent === 3) {
          clearInterval(timer)
          res.end('data: [DONE]\n\n')
        }
      }, 20)
      return
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

const spec = (path: string) => ({
  url: `${base}${path}`,
  headers: { 'content-type': 'application/json' },
  body: '{}',
})

describe('load clients', () => {
  it('sends on an even schedule at the asked rate and times every answer', async () => {
    const result = await runAtRate({
      spec: spec('/ok'),
      rate: 100,
      seconds: 1,
      warmupSeconds: 0.2,
      connections: 16,
    })
    expect(result.sent).toBeGreaterThanOrEqual(99)
    expect(result.sent).toBeLessThanOrEqual(101)
    expect(result.ok).toBe(result.sent)
    expect(result.failed).toBe(0)
    expect(result.latency.p50).toBeGreaterThan(0)
  })

  it('counts error statuses as failures, not latencies', async () => {
    const result = await runAtRate({
      spec: spec('/fail'),
      rate: 50,
      seconds: 0.5,
      warmupSeconds: 0,
      connections: 4,
    })
    expect(result.ok).toBe(0)
    expect(result.failed).toBe(result.sent)
  })

  it('times the first content chunk and the gaps between content chunks', async () => {
    const result = await runStreams({
      spec: spec('/stream'),
      concurrency: 4,
      seconds: 0.5,
      warmupSeconds: 0.1,
      marker: 'tok',
    })
    expect(result.failed).toBe(0)
    expect(result.streams).toBeGreaterThan(4)
    expect(result.ttft.p50).toBeGreaterThanOrEqual(15)
    // Two gaps per stream; events merged into one read count with a gap of zero.
    expect(result.gap.count).toBeLessThanOrEqual(result.streams * 2)
    expect(result.gap.count).toBeGreaterThanOrEqual(result.streams)
    expect(result.gap.p50).toBeGreaterThanOrEqual(10)
  })

  it('counts every content event of a read that holds several', () => {
    const marker = Buffer.from('tok')
    expect(contentEventsIn(Buffer.from('data: {"content":"tok "}\n\n'), marker)).toBe(1)
    expect(
      contentEventsIn(Buffer.from('data: {"c":"tok "}\n\ndata: {"c":"tok "}\n\n'), marker),
    ).toBe(2)
    expect(contentEventsIn(Buffer.from('data: {"role":"assistant"}\n\n'), marker)).toBe(0)
  })
})
