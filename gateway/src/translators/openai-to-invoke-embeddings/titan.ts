// Amazon Titan Text Embeddings V2 over InvokeModel: one text per call, so one call per input.
// Reference: Bedrock user guide "Amazon Titan Embeddings Text" (V2 request: inputText,
// dimensions 256 | 512 | 1024, normalize; response: embedding, inputTextTokenCount,
// embeddingsByType).
import { z } from 'zod'
import type { EmbeddingFamily } from './family.ts'
import { invalidResponse } from '../../errors/catalogue.ts'

const titanDimensions: readonly number[] = [256, 512, 1024]

const titanReplySchema = z.looseObject({
  embedding: z.array(z.number()).optional(),
  embeddingsByType: z.looseObject({ float: z.array(z.number()).optional() }).optional(),
  inputTextTokenCount: z.number().int().nonnegative().optional(),
})

export const titanTextV2: EmbeddingFamily = {
  dimensions: () => titanDimensions,
  bodies(texts, { dimensions }) {
    // The vector size is checked by the caller (request.ts checkDimensions).
    // OpenAI's own embeddings are unit length; normalising keeps cosine and dot product equal.
    return texts.map((inputText) => ({
      inputText,
      ...(dimensions === undefined ? {} : { dimensions }),
      normalize: true,
    }))
  },
  read(replies) {
    let inputTokens = 0
    const vectors = replies.map((reply) => {
      const parsed = titanReplySchema.safeParse(reply.body)
      const vector = parsed.success
        ? (parsed.data.embeddingsByType?.float ?? parsed.data.embedding)
        : undefined
      if (!parsed.success || vector === undefined)
        throw invalidResponse('The model provider sent an invalid embedding.', parsed.error)
      inputTokens += parsed.data.inputTextTokenCount ?? reply.inputTokens ?? 0
      return vector
    })
    return { vectors, inputTokens }
  },
}
