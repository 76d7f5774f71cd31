// A count_tokens request once its route is known: Bedrock CountTokens for the route's first Claude
// backend, with the body InvokeModel would get (messages-call.ts, so the beta rule and a strict
// route's refusals are the same as /v1/messages), under the route's deadlines. Free and off the
// hot path: no attempts, fallbacks or usage.
// Reference: https://docs.claude.com/en/api/messages-count-tokens
import type { Route } from '@strata/crds'
import type { Context } from 'hono'
import type { CountTokensRequest } from '../anthropic/messages-request.ts'
import type { AppDeps } from '../app-deps.ts'
import { backendTarget } from '../backends/backend-target.ts'
import { gatewayError } from '../errors/catalogue.ts'
import type { GatewayEnv } from '../gateway-env.ts'
import { startAttemptCall, startDeadline } from '../resilience/attempt-call.ts'
import { routeTimeouts } from '../resilience/route-resilience-defaults.ts'
import type { BetaSplit } from '../translators/anthropic-to-invoke/betas.ts'
import { announceDropped } from './announce-dropped.ts'
import { prepareMessagesCall, servesMessages } from './messages-call.ts'

export type CountTokensDeps = Pick<AppDeps, 'messages' | 'logger' | 'now'>

// CountTokens takes InvokeModel's body, where max_tokens is required and must exceed a thinking
// budget; it does not change the count of input tokens.
function withMaxTokens(request: Record<string, unknown>): Record<string, unknown> {
  const thinking = request['thinking'] as { budget_tokens?: unknown } | undefined
  const budget = typeof thinking?.budget_tokens === 'number' ? thinking.budget_tokens : 0
  return { ...request, max_tokens: budget + 1 }
}

export interface CountTokensInput {
  parsed: CountTokensRequest
  route: Route
  betas: BetaSplit
}

export async function serveCountTokens(
  c: Context<GatewayEnv>,
  deps: CountTokensDeps,
  input: CountTokensInput,
): Promise<Response> {
  const { parsed, route, betas } = input
  const caller = c.get('caller')
  const open = c.get('record')
  const choice = route.backends.find(servesMessages)
  const backend = choice === undefined ? undefined : deps.messages?.backends[choice.kind]
  if (choice === undefined || backend === undefined)
    throw gatewayError('backend_unavailable', 'This gateway does not serve the Messages API.')
  open.record.backend = choice
  const prepared = prepareMessagesCall(withMaxTokens(parsed), route, betas)
  const timeouts = routeTimeouts(route)
  const deadline = startDeadline(timeouts.totalMs, deps.now)
  const call = startAttemptCall(c.req.raw.signal, deadline, timeouts, deps.now)
  try {
    const inputTokens = await backend.countTokens(
      prepared.request,
      backendTarget(choice, caller.project.projectId),
      call.signal,
    )
    announceDropped(c, deps.logger, prepared.dropped, choice.kind, parsed.model)
    return c.json({ input_tokens: inputTokens })
  } catch (error) {
    throw call.explain(error)
  } finally {
    call.release()
    deadline.release()
  }
}
