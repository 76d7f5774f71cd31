// The contract between POST /v1/embeddings and a backend kind, like chat-backend.ts for chat: a
// validated OpenAI request goes in, an OpenAI Embeddings response with the alias as `model` comes out.
import type { EmbeddingsRequest, EmbeddingsResponse } from '../openai/embeddings.ts'
import type { BackendTarget } from './backend-target.ts'

export interface EmbeddingsCallContext {
  /** The alias the client sent, echoed back as `model`. */
  model: string
  /** Aborted when the client goes away or the route's timeout passes. */
  signal: AbortSignal
}

export interface EmbeddingsBackend {
  /** Parameters accepted but not honoured; announced in `x-strata-dropped-params`, never silently. */
  droppedParameters?(request: EmbeddingsRequest): string[]
  embed(
    request: EmbeddingsRequest,
    target: BackendTarget,
    context: EmbeddingsCallContext,
  ): Promise<EmbeddingsResponse>
}
