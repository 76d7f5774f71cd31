// POST /v1/embeddings: validate, resolve the alias in the caller's project, choose a backend, then
// answer with one OpenAI Embeddings list. Mirrors routes/chat-completions.ts.
// Reference: https://platform.openai.com/docs/api-reference/embeddings/create
import type { RouteBackend } from '@strata/crds'
import type { Handler } from 'hono'
import type { AppDeps, GatewayEnv } from '../app-deps.ts'
import { settleDropped } from '../dispatch/strict-mode.ts'
import { parseEmbeddingsRequest } from '../openai/embeddings.ts'
import { backendTarget } from '../routing/backend-target.ts'
import { fromEmbeddingsUsage } from '../observe/token-usage.ts'
import type { Resilience } from '../resilience/resilience.ts'
import { implementationOf, noteRoute, stickyValueOf } from '../resilience/route-hooks.ts'
import { runAttempts } from '../resilience/run-attempts.ts'
import { mirror } from '../resilience/shadow.ts'
import { announceDropped, findModelRoute } from './choose-backend.ts'

export type EmbeddingsDeps = Pick<AppDeps, 'embeddings' | 'logger' | 'now'> & {
  resilience: Resilience
}

export function embeddings(deps: EmbeddingsDeps): Handler<GatewayEnv> {
  return async function createEmbeddings(c) {
    const caller = c.get('caller')
    const request = parseEmbeddingsRequest(c.get('body'))
    const open = c.get('record')
    open.start('embeddings', false)
    const route = findModelRoute(caller, request.model)
    noteRoute(open.record, caller, route, request.model)
    const service = deps.embeddings
    const implemented = (choice: RouteBackend): boolean =>
      service?.backends[choice.kind] !== undefined
    // Strict routes refuse what this backend would drop (a 400 ends the attempts).
    const droppedBy = (choice: RouteBackend): string[] =>
      settleDropped(
        route,
        implementationOf(service?.backends, choice).droppedParameters?.(request) ?? [],
      )
    const send = async (choice: RouteBackend, signal: AbortSignal) => {
      droppedBy(choice)
      return implementationOf(service?.backends, choice).embed(
        request,
        backendTarget(choice, caller.project.projectId),
        { model: request.model, signal },
      )
    }
    mirror(deps.resilience, { route, implemented, send })
    const served = await runAttempts(deps.resilience, {
      route,
      open,
      clientSignal: c.req.raw.signal,
      stickyValue: stickyValueOf(route, (name) => c.req.header(name)),
      implemented,
      api: 'Embeddings API',
      run: (choice, call) => send(choice, call.signal),
    })
    try {
      const choice = served.candidate.backend
      announceDropped(c, deps.logger, droppedBy(choice), choice.kind, request.model)
      open.record.firstTokenAt = deps.now()
      open.record.usage = fromEmbeddingsUsage(served.value.usage)
      return c.json(served.value)
    } finally {
      served.finish()
    }
  }
}
