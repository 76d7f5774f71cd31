// An embeddings request once its route is known: the attempts across the route's backends
// (resilience/), what each backend would drop settled once per candidate (announced, or refused on
// a strict route), and one OpenAI Embeddings list as the answer.
// Reference: https://platform.openai.com/docs/api-reference/embeddings/create
import type { Route, RouteBackend } from '@strata/crds'
import type { Context } from 'hono'
import type { AppDeps } from '../app-deps.ts'
import { backendTarget } from '../backends/backend-target.ts'
import { settleDropped } from '../dispatch/strict-mode.ts'
import type { GatewayEnv } from '../gateway-env.ts'
import type { EmbeddingsRequest } from '../openai/embeddings.ts'
import { fromEmbeddingsUsage } from '../observe/token-usage.ts'
import type { Resilience } from '../resilience/resilience.ts'
import { runAttempts } from '../resilience/run-attempts.ts'
import { mirror } from '../resilience/shadow.ts'
import { announceDropped } from './announce-dropped.ts'
import { implementationOf, stickyValueOf } from './route-hooks.ts'

export type EmbeddingsDeps = Pick<AppDeps, 'embeddings' | 'logger' | 'now'> & {
  resilience: Resilience
}

export async function serveEmbeddings(
  c: Context<GatewayEnv>,
  deps: EmbeddingsDeps,
  request: EmbeddingsRequest,
  route: Route,
): Promise<Response> {
  const caller = c.get('caller')
  const open = c.get('record')
  const service = deps.embeddings
  const implemented = (choice: RouteBackend): boolean =>
    service?.backends[choice.kind] !== undefined
  // Strict routes refuse what this backend would drop (a 400 ends the attempts).
  const settled = new Map<RouteBackend, string[]>()
  const droppedBy = (choice: RouteBackend): string[] => {
    let dropped = settled.get(choice)
    if (dropped === undefined) {
      dropped = settleDropped(
        route,
        implementationOf(service?.backends, choice).droppedParameters?.(request) ?? [],
      )
      settled.set(choice, dropped)
    }
    return dropped
  }
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
