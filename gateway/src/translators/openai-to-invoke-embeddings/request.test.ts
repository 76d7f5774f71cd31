import { describe, expect, it } from 'vitest'
import { GatewayError } from '../../errors/gateway-error.ts'
import { parseEmbeddingsRequest } from '../../openai/embeddings.ts'
import { cohereEmbed } from './cohere.ts'
import { embeddingFamilyFor, embeddingTexts } from './request.ts'
import { titanTextV2 } from './titan.ts'

function errorOf(run: () => unknown): GatewayError {
  try {
    run()
  } catch (error) {
    if (error instanceof GatewayError) return error
    throw error
  }
  throw new Error('expected a GatewayError')
}

describe('embeddingFamilyFor', () => {
  it.each([
    ['amazon.titan-embed-text-v2:0', titanTextV2],
    ['cohere.embed-english-v3', cohereEmbed],
    ['cohere.embed-multilingual-v3', cohereEmbed],
    ['cohere.embed-v4:0', cohereEmbed],
    ['us.cohere.embed-v4:0', cohereEmbed],
    ['amazon.titan-embed-text-v1', undefined],
    ['anthropic.claude-sonnet-4-6', undefined],
    ['us.amazon.nova-lite-v1:0', undefined],
  ])('%s', (modelId, family) => {
    expect(embeddingFamilyFor(modelId)).toBe(family)
  })
})

describe('embeddingTexts', () => {
  it.each([
    ['one string', 'hello', ['hello']],
    ['strings', ['a', 'b'], ['a', 'b']],
  ])('%s', (_, input, texts) => {
    expect(embeddingTexts(parseEmbeddingsRequest({ model: 'm', input }))).toEqual(texts)
  })

  it.each([
    ['token ids', [1, 2, 3]],
    ['batches of token ids', [[1], [2, 3]]],
  ])('refuses %s with a 400 on input', (_, input) => {
    const request = parseEmbeddingsRequest({ model: 'm', input })
    expect(errorOf(() => embeddingTexts(request))).toMatchObject({ status: 400, param: 'input' })
  })
})
