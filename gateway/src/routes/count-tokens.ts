// POST /v1/messages/count_tokens: Anthropic's token counting, answered by Bedrock CountTokens for
// the route's first Claude backend. Free and off the hot path: no attempts, fallbacks or usage,
// but the same authentication, alias resolution and beta rule as /v1/messages.
// Reference: https://docs.claude.com/en/api/messages-count-tokens
import type { Handler } from 'hono'
import type { AppDeps } from '../app-deps.ts'
import type { GatewayEnv } from '../gateway-env.ts'
import { parseCountTokensRequest } from '../anthropic/messages-request.ts'
import { gatewayError } from '../errors/catalogue.ts'
import {
  checkAnthropicVersion,
  prepareMessagesCall,
  refuseUnservedRoute,
  servesMessages,
} from '../pipeline/messages-call.ts'
import { noteRoute } from '../pipeline/route-hooks.ts'
import { startAttemptCall, startDeadline } from '../resilience/attempt-call.ts'
import { routeTimeouts } from '../resilience/route-resilience-defaults.ts'
import { backendTarget } from '../backends/backend-target.ts'
import { splitBetas } from '../translators/anthropic-to-invoke/betas.ts'
import { announceDropped } from '../pipeline/announce-dropped.ts'
import { findModelRoute } from '../routing/find-route.ts'

export type CountTokensDeps = Pick<AppDeps, 'messages' | 'logger' | 'now'>

// CountTokens takes InvokeModel's body, where max_tokens is required and must exceed a thinking
// budget; it does not change the count of input tokens.
function withMaxTokens(request: Record<string, unknown>): Record<string, unknown> {
  const thinking = request['thinking'] as { budget_tokens?: unknown } | undefined
  const budget = typeof thinking?.budget_tokens === 'number' ? thinking.budget_tokens : 0
  return { ...request, max_tokens: budget + 1 }
}

export function countTokens(deps: CountTokensDeps): Handler<GatewayEnv> {
  return async function countMessageTokens(c) {
    checkAnthropicVersion(c.req.header('anthropic-version'))
    const caller = c.get('caller')
    const parsed = parseCountTokensRequest(c.get('body'))
    const open = c.get('record')
    open.start('count_tokens', false)
    const route = findModelRoute(caller, parsed.model)
    noteRoute(open.record, caller, route, parsed.model)
    refuseUnservedRoute(route)
    const choice = route.backends.find(servesMessages)
    const backend = choice === undefined ? undefined : deps.messages?.backends[choice.kind]
    if (choice === undefined || backend === undefined)
      throw gatewayError('backend_unavailable', 'This gateway does not serve the Messages API.')
    open.record.backend = choice
    const prepared = prepareMessagesCall(
      withMaxTokens(parsed),
      route,
      splitBetas(c.req.header('anthropic-beta')),
    )
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
}
