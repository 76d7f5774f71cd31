// OpenAI Embeddings → InvokeModel bodies: the texts of the request and the registry that picks the
// model family's translator by base model id.
// References: https://platform.openai.com/docs/api-reference/embeddings/create and
// docs/reference/bedrock-runtime.md, "InvokeModel (embeddings)".
import type { EmbeddingsRequest } from '../../openai/embeddings.ts'
import { cohereEmbed } from './cohere.ts'
import type { EmbeddingFamily } from './family.ts'
import { titanTextV2 } from './titan.ts'
import { invalidRequest } from '../../errors/catalogue.ts'

// Ids may carry a cross-region prefix (`us.cohere.embed-v4:0`), hence the optional leading dot.
const registry: readonly { pattern: RegExp; family: EmbeddingFamily }[] = [
  { pattern: /(^|\.)amazon\.titan-embed-text-v2/, family: titanTextV2 },
  { pattern: /(^|\.)cohere\.embed-/, family: cohereEmbed },
]

/** embeddingFamilyFor names the translator of a base model id, if the gateway has one. */
export function embeddingFamilyFor(modelId: string): EmbeddingFamily | undefined {
  return registry.find((entry) => entry.pattern.test(modelId))?.family
}

/**
 * checkDimensions refuses a vector size the model is known not to offer, so that a request the
 * model would refuse never leaves the gateway; a model it does not know is left to Bedrock.
 */
export function checkDimensions(modelId: string, dimensions: number | undefined): void {
  const sizes = embeddingFamilyFor(modelId)?.dimensions(modelId)
  if (dimensions === undefined || sizes === undefined || sizes.includes(dimensions)) return
  throw invalidRequest(
    `Invalid value for 'dimensions': this model supports ${sizes.join(', ')}.`,
    'dimensions',
    'invalid_value',
  )
}

/**
 * embeddingTexts is the request's input as texts. Token ids belong to OpenAI's tokenizers and
 * mean nothing to Titan or Cohere, so they are refused rather than guessed at.
 */
export function embeddingTexts(request: EmbeddingsRequest): string[] {
  const { input } = request
  if (typeof input === 'string') return [input]
  const texts = input.filter((item) => typeof item === 'string')
  if (texts.length !== input.length) {
    throw invalidRequest(
      "Invalid value for 'input': this model accepts text only, not token ids.",
      'input',
      'invalid_value',
    )
  }
  return texts
}
