// POST /v1/responses: validate, resolve the alias in the caller's project and apply the route's
// policy; pipeline/serve-response.ts runs the rest. Mirrors routes/chat-completions.ts.
// Reference: https://platform.openai.com/docs/api-reference/responses/create
import type { Route } from '@strata/crds'
import type { Handler } from 'hono'
import type { GatewayEnv } from '../gateway-env.ts'
import { refuseUnguardedApi } from '../guardrails/guardrail-target.ts'
import { parseResponsesRequest, type ResponsesRequest } from '../openai/responses.ts'
import { noteRoute } from '../pipeline/route-hooks.ts'
import { serveResponse, type ResponsesDeps } from '../pipeline/serve-response.ts'
import { findModelRoute } from '../routing/find-route.ts'

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
  return function createResponse(c) {
    const caller = c.get('caller')
    const parsed = parseResponsesRequest(c.get('body'))
    const open = c.get('record')
    open.start('responses', parsed.stream === true)
    const route = findModelRoute(caller, parsed.model)
    noteRoute(open.record, caller, route, parsed.model)
    refuseUnguardedApi(caller.project, route, 'Responses API')
    const request = applyRoutePolicy(parsed, route)
    return serveResponse(c, deps, { parsed, prepared: request, route })
  }
}
