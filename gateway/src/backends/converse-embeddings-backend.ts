// The `converse` backend kind for embeddings. Converse has no embeddings operation, so the same
// Bedrock Runtime is called through InvokeModel with each model family's native body, picked by
// the registry in translators/openai-to-invoke-embeddings.
// Reference: docs/reference/bedrock-runtime.md, "InvokeModel (embeddings)".
import {
  checkDimensions,
  embeddingFamilyFor,
  embeddingTexts,
} from '../translators/openai-to-invoke-embeddings/request.ts'
import { toEmbeddingsResponse } from '../translators/openai-to-invoke-embeddings/response.ts'
import type { InvokeClient } from '../upstream/invoke-client.ts'
import type { BackendTarget } from './backend-target.ts'
import type { EmbeddingsBackend } from './embeddings-backend.ts'
import { invalidRequest } from '../errors/catalogue.ts'

export interface ConverseEmbeddingsBackendDependencies {
  client: InvokeClient
  /** The foundation model behind an application inference profile ARN, from the routing table. */
  baseModelIdOf?: (target: BackendTarget) => string | undefined
}

export function createConverseEmbeddingsBackend(
  dependencies: ConverseEmbeddingsBackendDependencies,
): EmbeddingsBackend {
  const { client } = dependencies
  return {
    // InvokeModel bodies have no end-user field, so OpenAI's abuse-monitoring `user` goes nowhere.
    droppedParameters: (request) => (request.user === undefined ? [] : ['user']),
    async embed(request, target, context) {
      const baseModelId = dependencies.baseModelIdOf?.(target) ?? target.modelId
      const family = embeddingFamilyFor(baseModelId)
      if (family === undefined) {
        throw invalidRequest(
          `The model \`${context.model}\` does not create embeddings.`,
          'model',
          'invalid_value',
        )
      }
      checkDimensions(baseModelId, request.dimensions)
      const texts = embeddingTexts(request)
      const bodies = family.bodies(texts, {
        modelId: baseModelId,
        dimensions: request.dimensions,
      })
      // Titan embeds one text per call; the calls run side by side so latency stays one call's,
      // and the first failure cancels its siblings: their answers could no longer be used.
      const siblings = new AbortController()
      const signal = AbortSignal.any([context.signal, siblings.signal])
      const replies = await Promise.all(
        bodies.map((body) =>
          client.invoke({ modelId: target.modelId, region: target.region, body, signal }),
        ),
      ).catch((error: unknown) => {
        siblings.abort()
        throw error
      })
      return toEmbeddingsResponse(family.read(replies), {
        model: context.model,
        encodingFormat: request.encoding_format,
        expected: texts.length,
      })
    },
  }
}
