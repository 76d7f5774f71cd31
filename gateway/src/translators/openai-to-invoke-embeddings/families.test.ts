import { describe, expect, it } from 'vitest'
import { GatewayError } from '../../errors/gateway-error.ts'
import { cohereEmbed } from './cohere.ts'
import type { EmbeddingOptions } from './family.ts'
import { checkDimensions } from './request.ts'
import { titanTextV2 } from './titan.ts'

const titan = 'amazon.titan-embed-text-v2:0'
const cohereV3 = 'cohere.embed-english-v3'
const cohereV4 = 'cohere.embed-v4:0'

function errorOf(run: () => unknown): GatewayError {
  try {
    run()
  } catch (error) {
    if (error instanceof GatewayError) return error
    throw error
  }
  throw new Error('expected a GatewayError')
}

describe('request bodies', () => {
  it.each([
    {
      name: 'Titan: one call per text, normalised',
      family: titanTextV2,
      texts: ['a', 'b'],
      options: { modelId: titan },
      bodies: [
        { inputText: 'a', normalize: true },
        { inputText: 'b', normalize: true },
      ],
    },
    {
      name: 'Titan: dimensions passed on',
      family: titanTextV2,
      texts: ['a'],
      options: { modelId: titan, dimensions: 256 },
      bodies: [{ inputText: 'a', dimensions: 256, normalize: true }],
    },
    {
      name: 'Cohere v3: one call for the batch, floats as documents',
      family: cohereEmbed,
      texts: ['a', 'b'],
      options: { modelId: cohereV3 },
      bodies: [{ texts: ['a', 'b'], input_type: 'search_document', embedding_types: ['float'] }],
    },
    {
      name: 'Cohere v3: its only size is accepted and not sent',
      family: cohereEmbed,
      texts: ['a'],
      options: { modelId: cohereV3, dimensions: 1024 },
      bodies: [{ texts: ['a'], input_type: 'search_document', embedding_types: ['float'] }],
    },
    {
      name: 'Cohere v4: dimensions become output_dimension',
      family: cohereEmbed,
      texts: ['a'],
      options: { modelId: cohereV4, dimensions: 512 },
      bodies: [
        {
          texts: ['a'],
          input_type: 'search_document',
          embedding_types: ['float'],
          output_dimension: 512,
        },
      ],
    },
  ])('$name', ({ family, texts, options, bodies }) => {
    expect(family.bodies(texts, options)).toEqual(bodies)
  })

  it.each([
    {
      name: 'Titan 300',
      family: titanTextV2,
      texts: ['a'],
      options: { modelId: titan, dimensions: 300 },
      param: 'dimensions',
    },
    {
      name: 'Titan 1536',
      family: titanTextV2,
      texts: ['a'],
      options: { modelId: titan, dimensions: 1536 },
      param: 'dimensions',
    },
    {
      name: 'Cohere v3 512',
      family: cohereEmbed,
      texts: ['a'],
      options: { modelId: cohereV3, dimensions: 512 },
      param: 'dimensions',
    },
    {
      name: 'Cohere v4 2048',
      family: cohereEmbed,
      texts: ['a'],
      options: { modelId: cohereV4, dimensions: 2048 },
      param: 'dimensions',
    },
    {
      name: 'Cohere with 97 texts',
      family: cohereEmbed,
      texts: Array.from({ length: 97 }, () => 'x'),
      options: { modelId: cohereV4 },
      param: 'input',
    },
  ])('refuses $name with a 400', ({ family, texts, options, param }) => {
    // The vector size is checked before any body is built, for Mantle's pass-through too.
    const error = errorOf(() => {
      checkDimensions(options.modelId, options.dimensions)
      return family.bodies(texts, options satisfies EmbeddingOptions)
    })
    expect(error).toMatchObject({ status: 400, param, code: 'invalid_value' })
  })
})

describe('reading replies', () => {
  it.each([
    {
      name: 'Titan: embeddingsByType wins, body token counts summed',
      family: titanTextV2,
      replies: [
        { body: { embedding: [9], embeddingsByType: { float: [1, 2] }, inputTextTokenCount: 3 } },
        { body: { embedding: [3, 4], inputTextTokenCount: 2 }, inputTokens: 99 },
      ],
      expected: {
        vectors: [
          [1, 2],
          [3, 4],
        ],
        inputTokens: 5,
      },
    },
    {
      name: 'Titan: the header counts when the body does not',
      family: titanTextV2,
      replies: [{ body: { embedding: [1] }, inputTokens: 7 }],
      expected: { vectors: [[1]], inputTokens: 7 },
    },
    {
      name: 'Cohere: embeddings_floats as a bare list',
      family: cohereEmbed,
      replies: [
        {
          body: { id: 'x', response_type: 'embeddings_floats', embeddings: [[1], [2]] },
          inputTokens: 4,
        },
      ],
      expected: { vectors: [[1], [2]], inputTokens: 4 },
    },
    {
      name: 'Cohere: embeddings_by_type',
      family: cohereEmbed,
      replies: [{ body: { response_type: 'embeddings_by_type', embeddings: { float: [[5]] } } }],
      expected: { vectors: [[5]], inputTokens: 0 },
    },
  ])('$name', ({ family, replies, expected }) => {
    expect(family.read(replies)).toEqual(expected)
  })

  it.each([
    ['Titan without a vector', titanTextV2, { inputTextTokenCount: 1 }],
    ['Titan with text', titanTextV2, { embedding: 'no' }],
    ['Cohere without embeddings', cohereEmbed, { id: 'x' }],
  ])('answers 502 for %s', (_, family, body) => {
    expect(errorOf(() => family.read([{ body }]))).toMatchObject({
      status: 502,
      code: 'upstream_invalid_response',
    })
  })
})
