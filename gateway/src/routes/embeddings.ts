// POST /v1/embeddings: validate, resolve the alias in the caller's project, choose a backend, then
// answer with one OpenAI Embeddings list. Mirrors routes/chat-completions.ts.
// Reference: https://platform.openai.com/docs/api-reference/embeddings/create
import type { Handler } from 'hono'
import type { AppDeps, GatewayEnv } from '../app-deps.ts'
import { GatewayError } from '../errors/gateway-error.ts'
import { parseEmbeddingsRequest } from '../openai/embeddings.ts'
import { backendTarget } from '../routing/backend-target.ts'
import { pickBackend } from '../routing/pick-backend.ts'
import { findRoute } from '../routing/routing-index.ts'
import { DROPPED_PARAMS_HEADER } from './chat-completions.ts'
import { modelNotFound } from './models.ts'
import { startUpstreamCall } from './upstream-call.ts'

export type EmbeddingsDeps = Pick<AppDeps, 'embeddings' | 'random' | 'logger'>

const unavailable = (message: string, code: string): GatewayError =>
  new GatewayError(503, 'server_error', message, { code })

export function embeddings(deps: EmbeddingsDeps): Handler<GatewayEnv> {
  return async function createEmbeddings(c) {
    const caller = c.get('caller')
    const request = parseEmbeddingsRequest(c.get('body'))
    const route = findRoute(caller.index, caller.project, request.model)
    if (route === undefined) throw modelNotFound(request.model)
    const choice = pickBackend(route, deps.random)
    if (choice === undefined)
      throw unavailable(
        `No backend of the model \`${request.model}\` is taking traffic.`,
        'no_backend_available',
      )
    const backend = deps.embeddings?.backends[choice.kind]
    if (backend === undefined)
      throw unavailable(
        `This gateway serves no Embeddings API on its ${choice.kind} backend.`,
        'backend_unavailable',
      )
    const dropped = backend.droppedParameters?.(request) ?? []
    if (dropped.length > 0) {
      c.header(DROPPED_PARAMS_HEADER, dropped.join(', '))
      deps.logger.info('parameters accepted but not honoured by the backend', {
        dropped,
        backend: choice.kind,
        model: request.model,
      })
    }
    const target = backendTarget(choice, caller.project.projectId)
    const call = startUpstreamCall(c.req.raw.signal, route.limits?.timeoutMs)
    try {
      return c.json(
        await backend.embed(request, target, { model: request.model, signal: call.signal }),
      )
    } catch (error) {
      throw call.explain(error)
    } finally {
      call.release()
    }
  }
}
