// Keep-alives while the model is silent, before its first chunk as well as between chunks, with a
// short interval instead of the production 15 s.
import { routingTableSchema } from '@strata/crds'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  authorized,
  createTestApp,
  textChunk,
  usageChunk,
} from '../../test-support/app-test-kit.ts'
import { GatewayError } from '../errors/gateway-error.ts'
import { createRoutingState } from '../routing/routing-state.ts'
import { testTableInput } from '../../test-support/test-tables.ts'

const stream = { model: 'claude', messages: [{ role: 'user', content: 'Hi' }], stream: true }

function patientApp(keepAliveMs: number, timeoutMs?: number) {
  const input = testTableInput()
  const route = input.projects[0]?.routes[0]
  if (route === undefined) throw new Error('fixture has a route')
  if (timeoutMs !== undefined) route.limits = { timeoutMs }
  const { deps } = createTestApp()
  return createTestApp({
    options: { ...deps.options, keepAliveMs },
    routing: createRoutingState(routingTableSchema.parse(input)).current,
  })
}

const post = (app: ReturnType<typeof patientApp>['app']) =>
  app.request('/v1/chat/completions', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...authorized() },
    body: JSON.stringify(stream),
  })

// Posts, then lets `ms` of fake time pass before the answer is looked at.
async function postAfter(app: ReturnType<typeof patientApp>['app'], ms: number) {
  const answer = post(app)
  await vi.advanceTimersByTimeAsync(ms)
  return answer
}

// The SSE blocks in order: comments as ':', data as their payload.
async function blocks(response: Response): Promise<string[]> {
  const text = await response.text()
  return text
    .split('\n\n')
    .filter((block) => block !== '')
    .map((block) => (block.startsWith(':') ? ':' : block.replace(/^data: /, '')))
}

describe('keep-alives', () => {
  // Fake timers: these tests count keep-alive ticks and time the first one, and on a starved
  // machine real timers fired late and together (one comment where three were due, 557 ms for
  // a 150 ms interval), which says nothing about the keep-alive rules.
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('starts the stream with keep-alives when the model is silent before its first chunk', async () => {
    const { app, backend } = patientApp(20)
    backend.script = [{ delayMs: 120 }, textChunk('a', 'stop'), usageChunk()]
    const response = await postAfter(app, 120)
    expect(response.status).toBe(200)
    const seen = await blocks(response)
    const firstData = seen.findIndex((block) => block !== ':')
    expect(firstData).toBeGreaterThanOrEqual(3)
    expect(JSON.parse(seen[firstData] ?? '')).toEqual(textChunk('a', 'stop'))
    expect(seen.at(-1)).toBe('[DONE]')
  })

  // The stream has been silent for a whole interval when the 200 goes: its first byte must not
  // wait for a second one (a proxy's idle timeout counts from the request).
  it('sends the first keep-alive as soon as the interval has passed', async () => {
    const { app, backend } = patientApp(150)
    backend.script = [{ delayMs: 600 }, textChunk('a', 'stop'), usageChunk()]
    const started = Date.now()
    const response = await postAfter(app, 150)
    const reader = (response.body as ReadableStream<Uint8Array>).getReader()
    const reading = reader.read().then((first) => ({ first, at: Date.now() - started }))
    await vi.advanceTimersByTimeAsync(300)
    const { first, at } = await reading
    expect(new TextDecoder().decode(first.value)).toBe(': keep-alive\n\n')
    expect(at).toBe(150)
    await reader.cancel()
  })

  it('answers a fast failure with its own status, without keep-alives', async () => {
    const { app, backend } = patientApp(50)
    backend.script = [new GatewayError(429, 'rate_limit_error', 'Slow down.')]
    const response = await post(app)
    expect(response.status).toBe(429)
  })

  it('turns a failure after keep-alives into one error event, without [DONE]', async () => {
    const { app, backend } = patientApp(20)
    backend.script = [
      { delayMs: 70 },
      new GatewayError(429, 'rate_limit_error', 'Slow down.', { code: 'rate_limit_exceeded' }),
    ]
    const response = await postAfter(app, 70)
    expect(response.status).toBe(200)
    const seen = await blocks(response)
    expect(seen[0]).toBe(':')
    expect(JSON.parse(seen.at(-1) ?? '')).toMatchObject({
      error: { type: 'rate_limit_error', code: 'rate_limit_exceeded' },
    })
    expect(seen).not.toContain('[DONE]')
  })

  it("reports the route's first-chunk timeout as an error event once keep-alives have begun", async () => {
    const { app, backend } = patientApp(20, 90)
    backend.script = ['hang']
    const response = await postAfter(app, 90)
    expect(response.status).toBe(200)
    const seen = await blocks(response)
    expect(seen.filter((block) => block === ':').length).toBeGreaterThanOrEqual(2)
    expect(JSON.parse(seen.at(-1) ?? '')).toMatchObject({ error: { code: 'upstream_timeout' } })
    expect(backend.calls[0]?.context.signal.aborted).toBe(true)
  })

  it('cancels the model when the client hangs up during the keep-alives', async () => {
    const { app, backend } = patientApp(20)
    backend.script = ['hang']
    const response = await postAfter(app, 20)
    const reader = response.body?.getReader()
    if (reader === undefined) throw new Error('streaming response has a body')
    const first = await reader.read()
    expect(new TextDecoder().decode(first.value as Uint8Array)).toBe(': keep-alive\n\n')
    await reader.cancel()
    expect(backend.calls[0]?.context.signal.aborted).toBe(true)
  })
})
