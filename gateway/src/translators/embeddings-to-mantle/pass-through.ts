// OpenAI Embeddings ⇄ Mantle Embeddings. Mantle speaks the Embeddings API itself, so the request
// goes up as sent with `model` set to the Bedrock model id, and the answer comes back with `model`
// set back to the alias. Only what the gateway relies on is checked, leniently (strict with
// clients, lenient with upstreams: docs/architecture.md, "Rules the code keeps"). References:
// https://platform.openai.com/docs/api-reference/embeddings and docs/reference/mantle.md.
import { z } from 'zod'
import type { EmbeddingsRequest, EmbeddingsResponse } from '../../openai/embeddings.ts'
import { invalidResponse } from '../../errors/catalogue.ts'

const mantleEmbeddingsSchema = z.looseObject({
  data: z.array(
    z.looseObject({
      index: z.number().int().nonnegative(),
      embedding: z.union([z.array(z.number()), z.string()]),
    }),
  ),
  usage: z
    .looseObject({
      prompt_tokens: z.number().int().nonnegative().optional(),
      total_tokens: z.number().int().nonnegative().optional(),
    })
    .optional(),
})

/** toMantleEmbeddingsRequest is the body that goes upstream. */
export function toMantleEmbeddingsRequest(
  request: EmbeddingsRequest,
  modelId: string,
): Record<string, unknown> {
  return { ...request, model: modelId }
}

/** fromMantleEmbeddings checks Mantle's answer and rewrites `model`. */
export function fromMantleEmbeddings(json: unknown, model: string): EmbeddingsResponse {
  const parsed = mantleEmbeddingsSchema.safeParse(json)
  if (!parsed.success)
    throw invalidResponse('The model provider sent an invalid response.', parsed.error)
  const { data, usage } = parsed.data
  const promptTokens = usage?.prompt_tokens ?? 0
  return {
    object: 'list',
    data: data.map(({ index, embedding }) => ({ object: 'embedding', index, embedding })),
    model,
    usage: { prompt_tokens: promptTokens, total_tokens: usage?.total_tokens ?? promptTokens },
  }
}
