// POST /v1/embeddings: validate, resolve the alias in the caller's project, choose a backend, then
// answer with one OpenAI Embeddings list. Mirrors routes/chat-completions.ts.
// Reference: https://platform.openai.com/docs/api-reference/embeddings/create
import type { Handler } from 'hono'
import type { AppDeps, GatewayEnv } from '../app-deps.ts'
import { settleDropped } from '../dispatch/strict-mode.ts'
import { parseEmbeddingsRequest } from '../openai/embeddings.ts'
import { backendTarget } from '../routing/backend-target.ts'
import { fromEmbeddingsUsage } from '../observe/token-usage.ts'
import { announceDropped, chooseBackend, findModelRoute, noteChoice } from './choose-backend.ts'
import { startUpstreamCall } from './upstream-call.ts'

export type EmbeddingsDeps = Pick<AppDeps, 'embeddings' | 'random' | 'logger' | 'now'>

export function embeddings(deps: EmbeddingsDeps): Handler<GatewayEnv> {
  return async function createEmbeddings(c) {
    const caller = c.get('caller')
    const request = parseEmbeddingsRequest(c.get('body'))
    const open = c.get('record')
    open.start('embeddings', false)
    const route = findModelRoute(caller, request.model)
    const { choice, backend } = chooseBackend(route, deps.random, deps.embeddings, 'Embeddings API')
    noteChoice(open.record, caller, route, choice, request.model)
    const dropped = settleDropped(route, backend.droppedParameters?.(request) ?? [])
    announceDropped(c, deps.logger, dropped, choice.kind, request.model)
    const target = backendTarget(choice, caller.project.projectId)
    const call = startUpstreamCall(c.req.raw.signal, route.limits?.timeoutMs)
    const since = deps.now()
    try {
      const list = await backend.embed(request, target, {
        model: request.model,
        signal: call.signal,
      })
      open.record.firstTokenAt = deps.now()
      open.record.usage = fromEmbeddingsUsage(list.usage)
      return c.json(list)
    } catch (error) {
      throw call.explain(error)
    } finally {
      // The wait ended when the answer arrived; serialising it is the gateway's own time.
      open.addUpstreamTime(since, open.record.firstTokenAt ?? deps.now())
      call.release()
    }
  }
}
