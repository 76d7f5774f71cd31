import { describe, expect, it } from 'vitest'
import { GatewayError } from '../errors/gateway-error.ts'
import { parseEmbeddingsRequest } from './embeddings.ts'

function errorOf(body: unknown): GatewayError {
  try {
    parseEmbeddingsRequest(body)
  } catch (error) {
    if (error instanceof GatewayError) return error
    throw error
  }
  throw new Error('expected a GatewayError')
}

describe('parseEmbeddingsRequest', () => {
  it.each([
    { model: 'embed', input: 'hello' },
    { model: 'embed', input: ['a', 'b'], dimensions: 256, encoding_format: 'base64', user: 'u' },
    { model: 'embed', input: [1, 2, 3], encoding_format: 'float' },
    { model: 'embed', input: [[1], [2, 3]] },
  ])('accepts %j', (body) => {
    expect(parseEmbeddingsRequest(body)).toEqual(body)
  })

  it.each([
    [{ model: 'embed', input: 'x', foo: 1 }, 'foo', 'unknown_parameter'],
    [{ model: 'embed' }, 'input', 'missing_required_parameter'],
    [{ input: 'x' }, 'model', 'missing_required_parameter'],
    [{ model: 'embed', input: 'x', encoding_format: 'int8' }, 'encoding_format', 'invalid_value'],
    [{ model: 'embed', input: 'x', dimensions: 0 }, 'dimensions', 'invalid_value'],
    [{ model: 'embed', input: 'x', dimensions: 1.5 }, 'dimensions', 'invalid_type'],
    [{ model: 'embed', input: [] }, 'input', 'invalid_value'],
  ])('answers 400 for %j naming %s', (body, param, code) => {
    expect(errorOf(body)).toMatchObject({ status: 400, type: 'invalid_request_error', param, code })
  })

  it('uses OpenAI wording for an unknown parameter', () => {
    expect(errorOf({ model: 'embed', input: 'x', foo: 1 }).message).toBe(
      'Unrecognized request argument supplied: foo',
    )
  })
})
