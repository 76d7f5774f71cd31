// The per-chunk path (streaming/push-stream.ts) over real sockets: a Bedrock stand-in speaking
// ConverseStream's event-stream framing, the real Converse client and backend, the app behind
// @hono/node-server as server.ts serves it, and a plain node:http client. Covers what the push
// path must keep: backpressure with a slow client, a client leaving mid-stream, and a stream that
// ends without its final event.
import { createServer, request, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve, type ServerType } from '@hono/node-server'
import { bearerSigner } from '@strata/aws-signing'
import { afterEach, describe, expect, it } from 'vitest'
import { authorized, createTestApp } from '../../test-support/app-test-kit.ts'
import { eventFrame } from '../../test-support/event-stream-encoder.ts'
import { createConverseBackend } from '../backends/converse-backend.ts'
import { createConverseClient, type ConverseClient } from '../upstream/converse-client.ts'
import { createClaudeInvokeBackend } from '../backends/claude-invoke-backend.ts'
import { withMessagesGuardrail } from '../backends/messages-guardrail.ts'
import { createClaudeInvokeClient } from '../upstream/claude-invoke-client.ts'

interface Upstream {
  url: string
  /** Bytes of body written so far, over every stream. */
  written(): number
  /** Streams whose connection closed before the stand-in finished them. */
  cutShort(): number
  close(): Promise<void>
}

type Script = (write: (frame: Buffer) => Promise<boolean>) => Promise<void>

// A ConverseStream stand-in: each request runs the script, whose writes wait for the socket to
// drain (as a real server does) and report false once the connection is gone.
async function startUpstream(script: Script): Promise<Upstream> {
  let written = 0
  let cutShort = 0
  const server: Server = createServer((req, res) => {
    req.resume()
    res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream' })
    let gone = false
    res.on('close', () => {
      if (!res.writableEnded) {
        gone = true
        cutShort++
      }
    })
    const write = async (frame: Buffer): Promise<boolean> => {
      if (gone) return false
      written += frame.length
      if (!res.write(frame))
        await new Promise<void>((resolve) => {
          res.once('drain', resolve)
          res.once('close', resolve)
        })
      return !gone
    }
    void script(write).then(() => {
      if (!gone) res.end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${String(port)}`,
    written: () => written,
    cutShort: () => cutShort,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

const opening = () => [
  eventFrame('messageStart', { role: 'assistant' }),
  eventFrame('contentBlockStart', { contentBlockIndex: 0, start: {} }),
]
const delta = (text: string) =>
  eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text } })
const closing = () => [
  eventFrame('contentBlockStop', { contentBlockIndex: 0 }),
  eventFrame('messageStop', { stopReason: 'end_turn' }),
  eventFrame('metadata', {
    usage: { inputTokens: 3, outputTokens: 5, totalTokens: 8 },
    metrics: { latencyMs: 10 },
  }),
]

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function gatewayFor(upstream: Upstream): Promise<string> {
  const client: ConverseClient = createConverseClient({
    endpoint: upstream.url,
    signer: bearerSigner('bedrock-api-key-TEST'),
  })
  cleanups.push(() => client.close())
  const claude = createClaudeInvokeClient({
    endpoint: upstream.url,
    signer: bearerSigner('bedrock-api-key-TEST'),
  })
  cleanups.push(() => claude.close())
  // The Messages backend as server.ts wires it: behind the guardrail wrapper.
  const messages = withMessagesGuardrail(
    createClaudeInvokeBackend({
      client: claude,
      countTokens: { countTokens: () => Promise.resolve(0), close: () => undefined },
    }),
    {
      client: {
        apply: () => Promise.reject(new Error('no guardrail here')),
        close: () => Promise.resolve(),
      },
    },
  )
  const { app } = createTestApp({
    backends: { converse: createConverseBackend({ client }), mantle: undefined },
    messages: { backends: { converse: messages, mantle: undefined } },
  })
  const server: ServerType = await new Promise((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => {
      resolve(started)
    })
  })
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
      }),
  )
  const { port } = server.address() as AddressInfo
  return `http://127.0.0.1:${String(port)}`
}

// A streaming chat (or Messages) request on its own connection; resolves with the response,
// unread.
function openStream(url: string, api: 'chat' | 'messages' = 'chat'): Promise<IncomingMessage> {
  const body = JSON.stringify({
    model: 'claude',
    messages: [{ role: 'user', content: 'Hi' }],
    stream: true,
    ...(api === 'messages' ? { max_tokens: 64 } : {}),
  })
  return new Promise((resolve, reject) => {
    const outgoing = request(
      `${url}/v1/${api === 'chat' ? 'chat/completions' : 'messages'}`,
      {
        method: 'POST',
        agent: false,
        headers: {
          ...authorized(),
          'content-type': 'application/json',
          'anthropic-version': '2023-06-01',
        },
      },
      resolve,
    )
    outgoing.on('error', reject)
    outgoing.end(body)
  })
}

function readAll(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = ''
    response.setEncoding('utf8')
    response.on('data', (chunk: string) => (text += chunk))
    response.on('end', () => resolve(text))
    response.on('error', reject)
    // A response paused by hand stays paused when a 'data' listener is added.
    response.resume()
  })
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(10)
  }
}

const sockets = () =>
  process.getActiveResourcesInfo().filter((name) => name === 'TCPSocketWrap').length

/** Reads until `pattern` has been seen three times, then goes away mid-stream. */
async function leaveAfterThree(response: IncomingMessage, pattern: RegExp): Promise<void> {
  let received = ''
  response.setEncoding('utf8')
  await new Promise<void>((resolve) => {
    response.on('data', (chunk: string) => {
      received += chunk
      if ((received.match(pattern) ?? []).length >= 3) resolve()
    })
  })
  response.destroy()
}

/** The upstream was aborted exactly once, and no socket was left behind. */
async function expectAbortedOnce(upstream: Upstream, baseline: number): Promise<void> {
  await until(() => upstream.cutShort() === 1, 'the upstream stream to be aborted')
  await until(() => sockets() <= baseline, 'open sockets back to their baseline')
  await sleep(100)
  expect(upstream.cutShort()).toBe(1)
  expect(sockets()).toBeLessThanOrEqual(baseline)
}

describe('the per-chunk stream path over real sockets', () => {
  it('stops reading the model while a slow client is not reading, and loses nothing', async () => {
    const piece = 'x'.repeat(8 * 1024)
    const count = 6000
    const upstream = await startUpstream(async (write) => {
      for (const frame of opening()) await write(frame)
      for (let index = 0; index < count; index++) if (!(await write(delta(piece)))) return
      for (const frame of closing()) await write(frame)
    })
    cleanups.push(() => upstream.close())
    const response = await openStream(await gatewayFor(upstream))
    expect(response.statusCode).toBe(200)
    response.pause()
    // The client reads nothing: the stand-in's writes must stall well before the end of the
    // answer (about 50 MB), held back by socket buffers alone.
    let last = -1
    let changedAt = Date.now()
    await until(
      () => {
        const now = upstream.written()
        if (now !== last) {
          last = now
          changedAt = Date.now()
        }
        return Date.now() - changedAt >= 500
      },
      'the model stream to stall',
      20_000,
    )
    const stalledAt = upstream.written()
    expect(stalledAt).toBeLessThan((count * piece.length) / 2)
    // Once the client reads, everything arrives in order and the stream ends cleanly.
    const text = await readAll(response)
    const contents = [...text.matchAll(/"content":"(x+)"/g)]
    expect(contents.length).toBe(count)
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true)
  }, 60_000)

  it('aborts the model stream once when the client leaves mid-stream, leaving no socket behind', async () => {
    const upstream = await startUpstream(async (write) => {
      for (const frame of opening()) await write(frame)
      for (let index = 0; index < 500; index++) {
        if (!(await write(delta(`t${String(index)} `)))) return
        await sleep(10)
      }
      for (const frame of closing()) await write(frame)
    })
    cleanups.push(() => upstream.close())
    const url = await gatewayFor(upstream)
    const baseline = sockets()
    const response = await openStream(url)
    await leaveAfterThree(response, /"content"/g)
    await expectAbortedOnce(upstream, baseline)
  })

  it('aborts a Messages stream (InvokeModelWithResponseStream) once when the client leaves mid-stream, leaving no socket behind', async () => {
    const claudeChunk = (event: unknown) =>
      eventFrame('chunk', { bytes: Buffer.from(JSON.stringify(event)).toString('base64') })
    const upstream = await startUpstream(async (write) => {
      await write(
        claudeChunk({
          type: 'message_start',
          message: {
            id: 'msg_1',
            type: 'message',
            role: 'assistant',
            model: 'claude',
            content: [],
            usage: { input_tokens: 3, output_tokens: 0 },
          },
        }),
      )
      await write(
        claudeChunk({
          type: 'content_block_start',
          index: 0,
          content_block: { type: 'text', text: '' },
        }),
      )
      for (let index = 0; index < 500; index++) {
        const text = `t${String(index)} `
        const event = { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }
        if (!(await write(claudeChunk(event)))) return
        await sleep(10)
      }
    })
    cleanups.push(() => upstream.close())
    const url = await gatewayFor(upstream)
    const baseline = sockets()
    const response = await openStream(url, 'messages')
    expect(response.statusCode).toBe(200)
    await leaveAfterThree(response, /"text_delta"/g)
    await expectAbortedOnce(upstream, baseline)
  })

  it('ends a stream that stops without its final event with one upstream_stream_incomplete error event', async () => {
    const upstream = await startUpstream(async (write) => {
      for (const frame of opening()) await write(frame)
      await write(delta('Hello'))
      await sleep(20)
      await write(delta(' there'))
    })
    cleanups.push(() => upstream.close())
    const response = await openStream(await gatewayFor(upstream))
    expect(response.statusCode).toBe(200)
    const events = (await readAll(response))
      .split('\n\n')
      .filter((block) => block.startsWith('data: '))
      .map((block) => block.slice('data: '.length))
    expect(events).not.toContain('[DONE]')
    const last = JSON.parse(events.at(-1) ?? '{}') as { error?: { code?: string } }
    expect(last.error?.code).toBe('upstream_stream_incomplete')
    const text = events
      .slice(0, -1)
      .map((event) => JSON.parse(event) as { choices: { delta: { content?: string } }[] })
      .map((chunk) => chunk.choices[0]?.delta.content ?? '')
      .join('')
    expect(text).toBe('Hello there')
  })
})
