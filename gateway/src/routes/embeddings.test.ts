import { describe, expect, it } from 'vitest'
import { authorized, createTestApp } from '../../test-support/app-test-kit.ts'
import type { BackendTarget } from '../backends/backend-target.ts'
import type { EmbeddingsBackend, EmbeddingsCallContext } from '../backends/embeddings-backend.ts'
import { GatewayError } from '../errors/gateway-error.ts'
import type { EmbeddingsRequest } from '../openai/embeddings.ts'

interface Seen {
  request: EmbeddingsRequest
  target: BackendTarget
  context: EmbeddingsCallContext
}

function stubBackend(failure?: Error) {
  const seen: Seen[] = []
  const backend: EmbeddingsBackend = {
    embed(request, target, context) {
      seen.push({ request, target, context })
      if (failure !== undefined) return Promise.reject(failure)
      return Promise.resolve({
        object: 'list',
        data: [{ object: 'embedding', index: 0, embedding: [0.5] }],
        model: context.model,
        usage: { prompt_tokens: 1, total_tokens: 1 },
      })
    },
  }
  return { backend, seen }
}

function appWith(backend: EmbeddingsBackend | undefined, withEmbeddings = true) {
  return createTestApp(
    withEmbeddings ? { embeddings: { backends: { converse: backend, mantle: backend } } } : {},
  ).app
}

const post = (app: ReturnType<typeof appWith>, body: unknown) =>
  app.request('/v1/embeddings', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...authorized() },
    body: JSON.stringify(body),
  })

async function errorOf(response: Response) {
  const body = (await response.json()) as { error: Record<string, unknown> }
  return { status: response.status, ...body.error }
}

describe('POST /v1/embeddings', () => {
  it('answers with the backend list for a known alias', async () => {
    const { backend, seen } = stubBackend()
    const response = await post(appWith(backend), { model: 'gpt-4o', input: 'hi' })
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ object: 'list', model: 'gpt-4o' })
    expect(seen[0]?.request).toEqual({ model: 'gpt-4o', input: 'hi' })
    expect(seen[0]?.context.model).toBe('gpt-4o')
  })

  it.each([
    [{ model: 'gpt-4o', input: 'hi', foo: 1 }, 400, 'unknown_parameter'],
    [{ model: 'gpt-4o' }, 400, 'missing_required_parameter'],
    [{ model: 'no-such-model', input: 'hi' }, 404, 'model_not_found'],
  ])('answers %j with %i %s', async (body, status, code) => {
    const { backend, seen } = stubBackend()
    expect(await errorOf(await post(appWith(backend), body))).toMatchObject({ status, code })
    expect(seen).toHaveLength(0)
  })

  it('answers 401 without a key, before reading the body', async () => {
    const response = await appWith(stubBackend().backend).request('/v1/embeddings', {
      method: 'POST',
      body: '{',
    })
    expect(response.status).toBe(401)
  })

  it.each([
    ['no embeddings deps', false],
    ['no backend of the kind', true],
  ])('answers 503 with %s', async (_, withEmbeddings) => {
    const response = await post(appWith(undefined, withEmbeddings), {
      model: 'gpt-4o',
      input: 'hi',
    })
    expect(await errorOf(response)).toMatchObject({ status: 503, code: 'backend_unavailable' })
  })

  it('announces parameters the backend drops in x-strata-dropped-params', async () => {
    const { backend } = stubBackend()
    backend.droppedParameters = (request) => (request.user === undefined ? [] : ['user'])
    const app = appWith(backend)
    const dropped = await post(app, { model: 'gpt-4o', input: 'hi', user: 'u' })
    expect(dropped.headers.get('x-strata-dropped-params')).toBe('user')
    const kept = await post(app, { model: 'gpt-4o', input: 'hi' })
    expect(kept.headers.get('x-strata-dropped-params')).toBeNull()
  })

  it('relays a backend error in OpenAI shape', async () => {
    const throttled = new GatewayError(429, 'rate_limit_error', 'Slow down.', {
      code: 'rate_limit_exceeded',
    })
    const response = await post(appWith(stubBackend(throttled).backend), {
      model: 'gpt-4o',
      input: 'hi',
    })
    expect(await errorOf(response)).toMatchObject({ status: 429, code: 'rate_limit_exceeded' })
  })
})
