import { describe, expect, it } from 'vitest'
import { parseEmbeddingsRequest } from '../../openai/embeddings.ts'
import { fromMantleEmbeddings, toMantleEmbeddingsRequest } from './pass-through.ts'

describe('toMantleEmbeddingsRequest', () => {
  it.each([
    { model: 'embed', input: 'hi' },
    { model: 'embed', input: [[1, 2]], dimensions: 256, encoding_format: 'base64', user: 'u' },
  ])('relays %j with the Bedrock model id', (body) => {
    expect(toMantleEmbeddingsRequest(parseEmbeddingsRequest(body), 'cohere.embed-v4:0')).toEqual({
      ...body,
      model: 'cohere.embed-v4:0',
    })
  })
})

describe('fromMantleEmbeddings', () => {
  it.each([
    {
      name: 'floats, model rewritten',
      json: {
        object: 'list',
        data: [{ object: 'embedding', index: 0, embedding: [1, 2] }],
        model: 'cohere.embed-v4:0',
        usage: { prompt_tokens: 2, total_tokens: 2 },
      },
      data: [{ object: 'embedding', index: 0, embedding: [1, 2] }],
      usage: { prompt_tokens: 2, total_tokens: 2 },
    },
    {
      name: 'base64, usage missing',
      json: { data: [{ index: 0, embedding: 'AACAPw==' }] },
      data: [{ object: 'embedding', index: 0, embedding: 'AACAPw==' }],
      usage: { prompt_tokens: 0, total_tokens: 0 },
    },
  ])('$name', ({ json, data, usage }) => {
    expect(fromMantleEmbeddings(json, 'embed')).toEqual({
      object: 'list',
      data,
      model: 'embed',
      usage,
    })
  })

  it.each([[undefined], [{ data: 'no' }], [{ data: [{ index: 0 }] }]])(
    'answers 502 for %j',
    (json) => {
      expect(() => fromMantleEmbeddings(json, 'embed')).toThrow(/invalid response/)
    },
  )
})
