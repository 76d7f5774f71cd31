// Cohere Embed v3 and v4 over InvokeModel: one call embeds a batch of up to 96 texts. Only v4 lets
// the caller choose the vector size (`output_dimension`); v3 always answers 1024 floats.
// References: Bedrock user guide "Cohere Embed v3" and "Cohere Embed v4" (request: texts,
// input_type, embedding_types, output_dimension; response: `embeddings` as a bare list for
// `embeddings_floats`, or by type for `embeddings_by_type`).
import { z } from 'zod'
import type { EmbeddingFamily } from './family.ts'
import { invalidRequest, invalidResponse } from '../../errors/catalogue.ts'

const maximumTexts = 96
const v3Dimensions: readonly number[] = [1024]
const v4Dimensions: readonly number[] = [256, 512, 1024, 1536]

const vectorsSchema = z.array(z.array(z.number()))
const cohereReplySchema = z.looseObject({
  embeddings: z.union([vectorsSchema, z.looseObject({ float: vectorsSchema })]),
})

const isVersion4 = (modelId: string): boolean => /cohere\.embed-v4/.test(modelId)

export const cohereEmbed: EmbeddingFamily = {
  dimensions: (modelId) => (isVersion4(modelId) ? v4Dimensions : v3Dimensions),
  bodies(texts, { modelId, dimensions }) {
    if (texts.length > maximumTexts) {
      throw invalidRequest(
        `Invalid value for 'input': this model embeds at most ${maximumTexts} texts per request.`,
        'input',
        'invalid_value',
      )
    }
    // The vector size is checked by the caller (request.ts checkDimensions).
    const version4 = isVersion4(modelId)
    // OpenAI has no notion of query versus document; documents is the neutral, symmetric choice.
    return [
      {
        texts: [...texts],
        input_type: 'search_document',
        embedding_types: ['float'],
        ...(version4 && dimensions !== undefined ? { output_dimension: dimensions } : {}),
      },
    ]
  },
  read(replies) {
    let inputTokens = 0
    const vectors = replies.flatMap((reply) => {
      const parsed = cohereReplySchema.safeParse(reply.body)
      if (!parsed.success)
        throw invalidResponse('The model provider sent an invalid embedding.', parsed.error)
      // Cohere's body carries no token count; Bedrock's header does.
      inputTokens += reply.inputTokens ?? 0
      const { embeddings } = parsed.data
      return Array.isArray(embeddings) ? embeddings : embeddings.float
    })
    return { vectors, inputTokens }
  },
}
