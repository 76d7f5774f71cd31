// POST /v1/embeddings: validate and resolve the alias in the caller's project;
// pipeline/serve-embeddings.ts runs the rest. Mirrors routes/chat-completions.ts.
// Reference: https://platform.openai.com/docs/api-reference/embeddings/create
import type { Handler } from 'hono'
import type { GatewayEnv } from '../gateway-env.ts'
import { parseEmbeddingsRequest } from '../openai/embeddings.ts'
import { noteRoute } from '../pipeline/route-hooks.ts'
import { serveEmbeddings, type EmbeddingsDeps } from '../pipeline/serve-embeddings.ts'
import { findModelRoute } from '../routing/find-route.ts'

export function embeddings(deps: EmbeddingsDeps): Handler<GatewayEnv> {
  return function createEmbeddings(c) {
    const caller = c.get('caller')
    const request = parseEmbeddingsRequest(c.get('body'))
    const open = c.get('record')
    open.start('embeddings', false)
    const route = findModelRoute(caller, request.model)
    noteRoute(open.record, caller, route, request.model)
    return serveEmbeddings(c, deps, request, route)
  }
}
