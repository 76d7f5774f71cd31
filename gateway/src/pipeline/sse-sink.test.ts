// The Node sink against a real node:http server and client: backpressure holds the writer back
// without losing text, and a client that leaves is reported once, a clean end never.
import {
  createServer,
  get,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { nodeSink, webSink } from './sse-sink.ts'

let server: Server | undefined

async function closeServer(): Promise<void> {
  const running = server
  server = undefined
  if (running !== undefined) await new Promise((resolve) => running.close(resolve))
}

afterEach(closeServer)

async function serve(handler: (response: ServerResponse) => Promise<void>): Promise<string> {
  const started = createServer((_request, response) => {
    void handler(response)
  })
  server = started
  await new Promise<void>((resolve) => started.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${String((started.address() as AddressInfo).port)}/`
}

const requestOf = (url: string) =>
  new Promise<IncomingMessage>((resolve, reject) => {
    get(url, resolve).on('error', reject)
  })

describe('nodeSink', () => {
  it('waits for a slow client instead of buffering without bound, and loses nothing', async () => {
    const piece = `data: ${'x'.repeat(1024)}\n\n`
    let heldBack = 0
    const url = await serve(async (response) => {
      const sink = nodeSink(response)
      sink.open({ 'content-type': 'text/event-stream' })
      for (let index = 0; index < 4000; index++) {
        if (!sink.write(piece)) {
          heldBack++
          await sink.drained()
        }
      }
      sink.end()
    })
    const response = await requestOf(url)
    response.pause()
    await sleep(100)
    let received = 0
    for await (const chunk of response) received += (chunk as Buffer).length
    expect(received).toBe(4000 * piece.length)
    expect(heldBack).toBeGreaterThan(0)
  })

  it('tells of a client that leaves, once, and not of a clean end', async () => {
    const gone: unknown[] = []
    let ended = false
    const url = await serve(async (response) => {
      const sink = nodeSink(response)
      sink.onClose((reason) => gone.push(reason))
      sink.open({ 'content-type': 'text/event-stream' })
      sink.write(': first\n\n')
      await sleep(150)
      ended = true
      sink.end()
    })
    const response = await requestOf(url)
    response.destroy()
    // Polled, not slept: a starved process can run its timers before it reads the close event.
    await vi.waitFor(
      () => {
        expect(gone).toHaveLength(1)
        expect(ended).toBe(true)
      },
      { timeout: 4_000 },
    )
    // Once: a second report would follow the end at once.
    await sleep(50)
    expect(gone).toHaveLength(1)

    const cleanGone: unknown[] = []
    await closeServer()
    const cleanUrl = await serve(async (response) => {
      const sink = nodeSink(response)
      sink.onClose((reason) => cleanGone.push(reason))
      sink.open({})
      sink.write('data: a\n\n')
      await Promise.resolve()
      sink.end()
    })
    const clean = await requestOf(cleanUrl)
    let text = ''
    for await (const chunk of clean) text += String(chunk)
    await sleep(50)
    expect(text).toBe('data: a\n\n')
    expect(cleanGone).toEqual([])
  })
})

describe('webSink', () => {
  it('carries the text and headers in a Response, and reports a cancelled read', async () => {
    const sink = webSink()
    const gone: unknown[] = []
    sink.onClose((reason) => gone.push(reason))
    sink.open({ 'content-type': 'text/event-stream' })
    const response = sink.response()
    sink.write('data: a\n\n')
    const reader = (response.body as ReadableStream<Uint8Array>).getReader()
    const first = await reader.read()
    expect(new TextDecoder().decode(first.value)).toBe('data: a\n\n')
    expect(response.headers.get('content-type')).toBe('text/event-stream')
    await reader.cancel('bye')
    expect(gone).toEqual(['bye'])
  })
})
