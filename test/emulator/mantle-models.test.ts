import { describe, expect, it } from 'vitest'
import { mantleModels, modelObject, routeModel } from './mantle-models.ts'

describe('routeModel', () => {
  it.each([
    { id: 'openai.gpt-oss-120b', prefix: '/v1', api: 'chat', status: undefined },
    { id: 'openai.gpt-oss-120b', prefix: '/v1', api: 'responses', status: undefined },
    { id: 'openai.gpt-5.5', prefix: '/openai/v1', api: 'responses', status: undefined },
    { id: 'xai.grok-4.3', prefix: '/openai/v1', api: 'chat', status: undefined },
    { id: 'cohere.embed-v4:0', prefix: '/v1', api: 'embeddings', status: undefined },
    { id: 'openai.gpt-5.5', prefix: '/openai/v1', api: 'chat', status: 400 },
    { id: 'openai.gpt-5.5', prefix: '/v1', api: 'responses', status: 400 },
    { id: 'openai.gpt-oss-120b', prefix: '/openai/v1', api: 'chat', status: 400 },
    { id: 'anthropic.claude-opus-4-7', prefix: '/v1', api: 'chat', status: 400 },
    { id: 'openai.gpt-oss-120b', prefix: '/v1', api: 'embeddings', status: 400 },
    { id: 'gpt-4o', prefix: '/v1', api: 'chat', status: 404 },
  ] as const)('$id on $prefix for $api → $status', ({ id, prefix, api, status }) => {
    const routed = routeModel(id, prefix, api)
    expect(routed.ok ? undefined : routed.failure.status).toBe(status)
    if (!routed.ok) expect(routed.failure.error).toMatchObject({ param: 'model' })
  })

  it('distinguishes the wrong prefix from a missing API in the message', () => {
    const wrongPrefix = routeModel('openai.gpt-5.4', '/v1', 'responses')
    const missingApi = routeModel('openai.gpt-5.4', '/openai/v1', 'chat')
    expect(wrongPrefix.ok ? '' : wrongPrefix.failure.error.message).toBe(
      "model `openai.gpt-5.4` isn't supported on this route",
    )
    expect(missingApi.ok ? '' : missingApi.failure.error.message).toBe(
      "The model 'openai.gpt-5.4' does not support the '/openai/v1/chat/completions' API",
    )
  })
})

describe('catalog', () => {
  it('has unique ids and embedding sizes only on embedding models', () => {
    const ids = mantleModels.map((model) => model.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const model of mantleModels) {
      expect(model.dimensions !== undefined).toBe(model.apis.includes('embeddings'))
    }
  })

  it('renders OpenAI model objects owned by the provider', () => {
    const [first] = mantleModels
    expect(first && modelObject(first)).toEqual({
      id: 'openai.gpt-oss-120b',
      object: 'model',
      created: 1764460800,
      owned_by: 'openai',
    })
  })
})
