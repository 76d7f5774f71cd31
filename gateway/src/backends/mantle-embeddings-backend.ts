// The `mantle` backend kind for embeddings: OpenAI Embeddings passed through to Bedrock Mantle,
// attributed to the caller's Bedrock project with `OpenAI-Project`.
// Reference: docs/reference/mantle.md (routes; `OpenAI-Project` attribution).
import {
  fromMantleEmbeddings,
  toMantleEmbeddingsRequest,
} from '../translators/embeddings-to-mantle/pass-through.ts'
import { checkDimensions } from '../translators/openai-to-invoke-embeddings/request.ts'
import type { MantleClient } from '../upstream/mantle-client.ts'
import type { EmbeddingsBackend } from './embeddings-backend.ts'

export interface MantleEmbeddingsBackendDependencies {
  client: MantleClient
}

export function createMantleEmbeddingsBackend(
  dependencies: MantleEmbeddingsBackendDependencies,
): EmbeddingsBackend {
  const { client } = dependencies
  return {
    async embed(request, target, context) {
      checkDimensions(target.modelId, request.dimensions)
      const json = await client.embeddings({
        modelId: target.modelId,
        region: target.region,
        projectId: target.projectId,
        body: toMantleEmbeddingsRequest(request, target.modelId),
        signal: context.signal,
      })
      return fromMantleEmbeddings(json, context.model)
    },
  }
}
