// POST /v1/responses: validate, resolve the alias in the caller's project, choose a backend, then
// answer with one Response object or its SSE event stream. Mirrors routes/chat-completions.ts.
// Reference: https://platform.openai.com/docs/api-reference/responses/create
import type { Route, RouteBackend } from '@strata/crds'
import type { Handler } from 'hono'
import type { AppDeps, GatewayEnv } from '../app-deps.ts'
import { dispatchResponses } from '../dispatch/dispatch-request.ts'
import { parseResponsesRequest, type ResponsesRequest } from '../openai/responses.ts'
import { fromResponsesUsage } from '../observe/token-usage.ts'
import type { Resilience } from '../resilience/resilience.ts'
import { isFirstResponsesToken } from '../resilience/first-token.ts'
import { firstItem } from '../resilience/resume-stream.ts'
import { noteRoute } from '../resilience/route-hooks.ts'
import { drain } from '../resilience/shadow.ts'
import { refuseUnguardedApi } from '../guardrails/guardrail-target.ts'
import { backendCalls } from './backend-calls.ts'
import { findModelRoute } from './choose-backend.ts'
import { streamResponse } from './responses-stream.ts'

export type ResponsesDeps = Pick<
  AppDeps,
  'responses' | 'clock' | 'now' | 'logger' | 'options' | 'metrics'
> & {
  resilience: Resilience
}

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
    noteRoute(open.record, caller, route, parsed.model)
    refuseUnguardedApi(caller.project, route, 'Responses API')
    const request = applyRoutePolicy(parsed, route)
    // Reasoning and budgets depend on the backend's family, so each attempt gets its own request.
    const prepareFor = (choice: RouteBackend) =>
      dispatchResponses({ parsed, prepared: request, route, choice })
    const service = deps.responses
    const calls = backendCalls({
      c,
      deps,
      api: 'Responses API',
      route,
      backends: service?.backends,
      prepareFor,
      context: {
        id: service?.newId() ?? '',
        createdAt: Math.floor(deps.clock() / 1000),
        model: request.model,
      },
      model: request.model,
    })
    const stream = request.stream === true
    calls.mirror(({ backend, request: prepared, target, context }) =>
      stream
        ? drain(backend.stream(prepared, target, context))
        : backend.create(prepared, target, context),
    )
    if (stream) {
      const deferred = calls.attemptStream(({ backend, request: prepared, target, context }) =>
        firstItem(backend.stream(prepared, target, context), isFirstResponsesToken),
      )
      return streamResponse({
        ...calls.streamTo(deferred),
        events: deferred.items,
        call: deferred.call,
        keepAliveMs: deps.options.keepAliveMs,
        logger: deps.logger,
        record: open,
        now: deps.now,
      })
    }
    const served = await calls.attempt(({ backend, request: prepared, target, context }) =>
      backend.create(prepared, target, context),
    )
    try {
      open.record.firstTokenAt = deps.now()
      if (served.value.usage != null) open.record.usage = fromResponsesUsage(served.value.usage)
      calls.announce(served.candidate.backend)
      return c.json(served.value)
    } finally {
      served.finish()
    }
  }
}
