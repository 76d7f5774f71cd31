// Keep-alives while the model is silent, before its first chunk as well as between chunks, with a
// short interval instead of the production 15 s.
import { routingTableSchema } from '@strata/crds'
import { describe, expect, it } from 'vitest'
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

// The SSE blocks in order: comments as ':', data as their payload.
async function blocks(response: Response): Promise<string[]> {
  const text = await response.text()
  return text
    .split('\n\n')
    .filter((block) => block !== '')
    .map((block) => (block.startsWith(':') ? ':' : block.replace(/^data: /, '')))
}

describe('keep-alives', () => {
  it('starts the stream with keep-alives when the model is silent before its first chunk', async () => {
    const { app, backend } = patientApp(20)
    backend.script = [{ delayMs: 120 }, textChunk('a', 'stop'), usageChunk()]
    const response = await post(app)
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
    const started = performance.now()
    const response = await post(app)
    const reader = (response.body as ReadableStream<Uint8Array>).getReader()
    const first = await reader.read()
    expect(new TextDecoder().decode(first.value)).toBe(': keep-alive\n\n')
    expect(performance.now() - started).toBeLessThan(250)
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
    const response = await post(app)
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
    const response = await post(app)
    expect(response.status).toBe(200)
    const seen = await blocks(response)
    expect(seen.filter((block) => block === ':').length).toBeGreaterThanOrEqual(2)
    expect(JSON.parse(seen.at(-1) ?? '')).toMatchObject({ error: { code: 'upstream_timeout' } })
    expect(backend.calls[0]?.context.signal.aborted).toBe(true)
  })

  it('cancels the model when the client hangs up during the keep-alives', async () => {
    const { app, backend } = patientApp(20)
    backend.script = ['hang']
    const response = await post(app)
    const reader = response.body?.getReader()
    if (reader === undefined) throw new Error('streaming response has a body')
    const first = await reader.read()
    expect(new TextDecoder().decode(first.value as Uint8Array)).toBe(': keep-alive\n\n')
    await reader.cancel()
    expect(backend.calls[0]?.context.signal.aborted).toBe(true)
  })
})
