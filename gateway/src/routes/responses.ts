// POST /v1/responses: validate, resolve the alias in the caller's project, choose a backend, then
// answer with one Response object or its SSE event stream. Mirrors routes/chat-completions.ts.
// Reference: https://platform.openai.com/docs/api-reference/responses/create
import type { Route } from '@strata/crds'
import type { Handler } from 'hono'
import type { AppDeps, GatewayEnv } from '../app-deps.ts'
import { parseResponsesRequest, type ResponsesRequest } from '../openai/responses.ts'
import { backendTarget } from '../routing/backend-target.ts'
import { fromResponsesUsage } from '../observe/token-usage.ts'
import { chooseBackend, findModelRoute, noteChoice } from './choose-backend.ts'
import { streamResponse } from './responses-stream.ts'
import { startUpstreamCall } from './upstream-call.ts'
import { guardrailTarget, refuseUnguardedApi } from '../guardrails/guardrail-target.ts'

export type ResponsesDeps = Pick<
  AppDeps,
  'responses' | 'clock' | 'now' | 'random' | 'logger' | 'options' | 'metrics'
>

// The route's defaults and output cap, as routing/route-policy.ts applies them to chat requests.
function applyRoutePolicy(request: ResponsesRequest, route: Route): ResponsesRequest {
  const prepared = { ...request }
  const defaults = route.defaults
  if (defaults?.temperature !== undefined) prepared.temperature ??= defaults.temperature
  if (defaults?.reasoningEffort !== undefined && prepared.reasoning?.effort == null)
    prepared.reasoning = { ...prepared.reasoning, effort: defaults.reasoningEffort }
  const cap = route.limits?.maxOutputTokens
  if (cap !== undefined)
    prepared.max_output_tokens = Math.min(prepared.max_output_tokens ?? cap, cap)
  return prepared
}

export function responses(deps: ResponsesDeps): Handler<GatewayEnv> {
  return async function createResponse(c) {
    const caller = c.get('caller')
    const parsed = parseResponsesRequest(c.get('body'))
    const open = c.get('record')
    open.start('responses', parsed.stream === true)
    const route = findModelRoute(caller, parsed.model)
    refuseUnguardedApi(caller.project, route, 'Responses API')
    const request = applyRoutePolicy(parsed, route)
    const { choice, backend, service } = chooseBackend(
      route,
      deps.random,
      deps.responses,
      'Responses API',
    )
    noteChoice(open.record, caller, route, choice, request.model)
    const target = {
      ...backendTarget(choice, caller.project.projectId),
      ...guardrailTarget(caller.project, route, (labels) =>
        deps.metrics.guardrailInterventions.inc(labels),
      ),
    }
    const call = startUpstreamCall(c.req.raw.signal, route.limits?.timeoutMs)
    const context = {
      id: service.newId(),
      createdAt: Math.floor(deps.clock() / 1000),
      model: request.model,
      signal: call.signal,
    }
    if (request.stream === true) {
      return streamResponse({
        events: backend.stream(request, target, context),
        call,
        keepAliveMs: deps.options.keepAliveMs,
        logger: deps.logger,
        record: open,
        now: deps.now,
      })
    }
    const since = deps.now()
    try {
      const response = await backend.create(request, target, context)
      open.record.firstTokenAt = deps.now()
      if (response.usage != null) open.record.usage = fromResponsesUsage(response.usage)
      return c.json(response)
    } catch (error) {
      throw call.explain(error)
    } finally {
      open.addUpstreamTime(since, deps.now())
      call.release()
    }
  }
}
