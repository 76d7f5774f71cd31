// InvokeModel embeddings → the OpenAI Embeddings response, in floats or, when asked, base64 of
// little-endian float32 bytes (what the openai clients request by default and decode).
// Reference: https://platform.openai.com/docs/api-reference/embeddings/object
import type { Embedding, EmbeddingsResponse } from '../../openai/embeddings.ts'
import type { EmbeddingVectors } from './family.ts'
import { invalidResponse } from '../../errors/catalogue.ts'

/** float32Base64 encodes a vector as OpenAI does for `encoding_format: base64`. */
export function float32Base64(vector: readonly number[]): string {
  const bytes = new DataView(new ArrayBuffer(vector.length * 4))
  vector.forEach((value, index) => {
    bytes.setFloat32(index * 4, value, true)
  })
  return Buffer.from(bytes.buffer).toString('base64')
}

export interface EmbeddingsResponseOptions {
  /** The alias the client sent. */
  model: string
  encodingFormat?: 'float' | 'base64' | undefined
  /** How many texts were sent; a different number of vectors is the provider's fault. */
  expected: number
}

export function toEmbeddingsResponse(
  result: EmbeddingVectors,
  options: EmbeddingsResponseOptions,
): EmbeddingsResponse {
  if (result.vectors.length !== options.expected) {
    throw invalidResponse(
      `The model provider sent ${result.vectors.length} embeddings for ${options.expected} inputs.`,
    )
  }
  const data = result.vectors.map((vector, index): Embedding => ({
    object: 'embedding',
    index,
    embedding: options.encodingFormat === 'base64' ? float32Base64(vector) : vector,
  }))
  return {
    object: 'list',
    data,
    model: options.model,
    usage: { prompt_tokens: result.inputTokens, total_tokens: result.inputTokens },
  }
}
