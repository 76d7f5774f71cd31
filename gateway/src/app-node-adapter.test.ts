// The app over a real socket through @hono/node-server, as server.ts serves it: a client that
// disconnects must abort the backend call, before the first byte and mid-stream.
import type { AddressInfo } from 'node:net'
import { serve, type ServerType } from '@hono/node-server'
import { afterEach, describe, expect, it } from 'vitest'
import { authorized, createTestApp, textChunk, type TestApp } from '../test-support/app-test-kit.ts'
import { OVERHEAD_HEADER } from './observe/request-record.ts'

let server: ServerType | undefined

afterEach(() => {
  server?.close()
  server = undefined
})

async function listen(testApp: TestApp): Promise<string> {
  return new Promise((resolve) => {
    server = serve(
      { fetch: testApp.app.fetch, port: 0, hostname: '127.0.0.1' },
      (info: AddressInfo) => {
        resolve(`http://127.0.0.1:${info.port}`)
      },
    )
  })
}

// Polled with a generous deadline: it costs only a failing run, and a loaded machine can take
// more than a second or two to carry a client's disconnect to the backend's signal.
async function backendAborted(testApp: TestApp): Promise<boolean> {
  const deadline = Date.now() + 4_000
  while (Date.now() < deadline) {
    if (testApp.backend.calls[0]?.context.signal.aborted === true) return true
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  return false
}

function chat(url: string, stream: boolean, signal: AbortSignal): Promise<Response> {
  return fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { ...authorized(), 'Content-Type': 'application/json' },
    body: JSON.stringify({ model: 'claude', messages: [{ role: 'user', content: 'Hi' }], stream }),
    signal,
  })
}

describe('the app behind @hono/node-server', () => {
  it('aborts a backend call that has not answered when the client disconnects', async () => {
    const testApp = createTestApp()
    testApp.backend.completeWith = (call) =>
      new Promise((_resolve, reject) => {
        call.context.signal.addEventListener('abort', () => {
          reject(new Error('aborted'))
        })
      })
    const url = await listen(testApp)
    const client = new AbortController()
    const response = chat(url, false, client.signal)
    while (testApp.backend.calls.length === 0)
      await new Promise((resolve) => setTimeout(resolve, 10))
    client.abort()
    await expect(response).rejects.toThrow()
    expect(await backendAborted(testApp)).toBe(true)
  })

  it('aborts a backend stream when the client disconnects mid-stream', async () => {
    const testApp = createTestApp()
    testApp.backend.script = [textChunk('a'), 'hang']
    const url = await listen(testApp)
    const client = new AbortController()
    const response = await chat(url, true, client.signal)
    const reader = response.body?.getReader()
    if (reader === undefined) throw new Error('streaming response has a body')
    const first = await reader.read()
    expect(new TextDecoder().decode(first.value as Uint8Array)).toContain('"content":"a"')
    client.abort()
    expect(await backendAborted(testApp)).toBe(true)
  })

  it('sends x-strata-overhead-ms with JSON answers, errors and streams', async () => {
    const testApp = createTestApp()
    testApp.backend.script = [textChunk('a', 'stop')]
    const url = await listen(testApp)
    const signal = new AbortController().signal
    const json = await chat(url, false, signal)
    expect(json.status).toBe(200)
    expect(json.headers.get('content-type')).toMatch(/^application\/json/)
    expect(Number(json.headers.get(OVERHEAD_HEADER))).toBeGreaterThanOrEqual(0)
    await json.text()
    const stream = await chat(url, true, signal)
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/)
    expect(Number(stream.headers.get(OVERHEAD_HEADER))).toBeGreaterThanOrEqual(0)
    await stream.text()
    const refused = await fetch(`${url}/v1/chat/completions`, { method: 'POST', body: '{}' })
    expect(refused.status).toBe(401)
    expect(refused.headers.get(OVERHEAD_HEADER)).toMatch(/^\d+\.\d\d$/)
  })
})
