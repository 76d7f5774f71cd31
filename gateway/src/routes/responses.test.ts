import { describe, expect, it } from 'vitest'
import { authorized, createTestApp, NOW_MS } from '../../test-support/app-test-kit.ts'
import type { BackendTarget } from '../backends/backend-target.ts'
import type { ResponsesBackend, ResponsesCallContext } from '../backends/responses-backend.ts'
import { GatewayError } from '../errors/gateway-error.ts'
import type { ResponseObject, ResponseStreamEvent, ResponsesRequest } from '../openai/responses.ts'

const throttled = () =>
  new GatewayError(429, 'rate_limit_error', 'Slow down.', { code: 'rate_limit_exceeded' })

interface Seen {
  request: ResponsesRequest
  target: BackendTarget
  context: ResponsesCallContext
}

function stubBackend(steps: (ResponseStreamEvent | Error)[] = []) {
  const seen: Seen[] = []
  const backend: ResponsesBackend = {
    create(request, target, context) {
      seen.push({ request, target, context })
      return Promise.resolve({ id: context.id, model: context.model } as ResponseObject)
    },
    async *stream(request, target, context) {
      seen.push({ request, target, context })
      for (const step of steps) {
        await Promise.resolve()
        if (step instanceof Error) throw step
        yield step
      }
    },
  }
  return { backend, seen }
}

function appWith(backend: ResponsesBackend | undefined) {
  return createTestApp({
    responses: { backends: { converse: backend, mantle: backend }, newId: () => 'resp_test' },
  }).app
}

const post = (app: ReturnType<typeof appWith>, body: unknown) =>
  app.request('/v1/responses', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...authorized() },
    body: JSON.stringify(body),
  })

describe('POST /v1/responses', () => {
  it('answers with the backend Response, with the caller-made id and clock', async () => {
    const { backend, seen } = stubBackend()
    const response = await post(appWith(backend), { model: 'claude', input: 'Hi' })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ id: 'resp_test', model: 'claude' })
    expect(seen[0]?.context).toMatchObject({ id: 'resp_test', createdAt: NOW_MS / 1000 })
    expect(seen[0]?.target.kind).toBe('converse')
  })

  it.each([
    [{ model: 'claude', input: 'Hi', seed: 1 }, 400, 'unknown_parameter'],
    [{ model: 'nope', input: 'Hi' }, 404, 'model_not_found'],
  ])('refuses %j with %i', async (body, status, code) => {
    const response = await post(appWith(stubBackend().backend), body)
    expect(response.status).toBe(status)
    expect(await response.json()).toMatchObject({ error: { code } })
  })

  it('is a 503 on a gateway without a Responses backend', async () => {
    const response = await post(appWith(undefined), { model: 'claude', input: 'Hi' })
    expect(response.status).toBe(503)
  })

  it('streams named events', async () => {
    const { backend } = stubBackend([
      { type: 'response.created', sequence_number: 0 },
      { type: 'response.completed', sequence_number: 1 },
    ])
    const response = await post(appWith(backend), { model: 'claude', input: 'Hi', stream: true })
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/)
    expect(await response.text()).toBe(
      'event: response.created\ndata: {"type":"response.created","sequence_number":0}\n\n' +
        'event: response.completed\ndata: {"type":"response.completed","sequence_number":1}\n\n',
    )
  })

  it('is an HTTP error when the stream fails before its first event', async () => {
    const { backend } = stubBackend([throttled()])
    const response = await post(appWith(backend), { model: 'claude', input: 'Hi', stream: true })
    expect(response.status).toBe(429)
    expect(await response.json()).toMatchObject({ error: { code: 'rate_limit_exceeded' } })
  })

  it('ends with an error event when the stream fails after it started', async () => {
    // The first token, not `response.created`, is what commits the answer (resilience/first-token.ts).
    const { backend } = stubBackend([
      { type: 'response.created', sequence_number: 0 },
      { type: 'response.output_text.delta', sequence_number: 1, delta: 'Hi' },
      throttled(),
    ])
    const response = await post(appWith(backend), { model: 'claude', input: 'Hi', stream: true })
    expect(response.status).toBe(200)
    const last = (await response.text()).trim().split('\n\n').at(-1) ?? ''
    expect(last).toMatch(/^event: error\ndata: /)
    expect(JSON.parse(last.slice(last.indexOf('{')))).toMatchObject({
      type: 'error',
      sequence_number: 2,
      code: 'rate_limit_exceeded',
      error: { type: 'rate_limit_error' },
    })
  })

  it('still answers with a faithful status when the stream fails before the first token', async () => {
    const { backend } = stubBackend([{ type: 'response.created', sequence_number: 0 }, throttled()])
    const response = await post(appWith(backend), { model: 'claude', input: 'Hi', stream: true })
    expect(response.status).toBe(429)
  })
})
