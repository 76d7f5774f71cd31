import { describe, expect, it } from 'vitest'
import { GatewayError } from '../../errors/gateway-error.ts'
import { float32Base64, toEmbeddingsResponse } from './response.ts'

function decode(base64: string): number[] {
  const bytes = Buffer.from(base64, 'base64')
  return Array.from({ length: bytes.length / 4 }, (_, index) => bytes.readFloatLE(index * 4))
}

describe('float32Base64', () => {
  it.each([
    [[], ''],
    [[1], 'AACAPw=='],
    [[0.5, -2], 'AAAAPwAAAMA='],
  ])('%j → %s (little-endian float32)', (vector, base64) => {
    expect(float32Base64(vector)).toBe(base64)
    expect(decode(base64)).toEqual(vector)
  })
})

describe('toEmbeddingsResponse', () => {
  const result = {
    vectors: [
      [0.25, -1],
      [0.5, 2],
    ],
    inputTokens: 6,
  }

  it.each([
    [
      'float',
      undefined,
      [
        [0.25, -1],
        [0.5, 2],
      ],
    ],
    [
      'float',
      'float' as const,
      [
        [0.25, -1],
        [0.5, 2],
      ],
    ],
    ['base64', 'base64' as const, [float32Base64([0.25, -1]), float32Base64([0.5, 2])]],
  ])('answers %s embeddings (encoding_format %s)', (_, encodingFormat, embeddings) => {
    expect(toEmbeddingsResponse(result, { model: 'embed', encodingFormat, expected: 2 })).toEqual({
      object: 'list',
      data: embeddings.map((embedding, index) => ({ object: 'embedding', index, embedding })),
      model: 'embed',
      usage: { prompt_tokens: 6, total_tokens: 6 },
    })
  })

  it('answers 502 when the provider sent a different number of vectors', () => {
    let caught: unknown
    try {
      toEmbeddingsResponse(result, { model: 'embed', expected: 3 })
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(GatewayError)
    expect(caught).toMatchObject({ status: 502 })
  })
})
