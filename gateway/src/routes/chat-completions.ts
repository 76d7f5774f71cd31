// POST /v1/chat/completions: validate, resolve the alias in the caller's project, try its backends
// (weights, fallbacks, circuits: resilience/run-attempts.ts), then answer with one JSON completion
// or an SSE stream.
// Reference: https://platform.openai.com/docs/api-reference/chat/create
import type { RouteBackend } from '@strata/crds'
import type { Handler } from 'hono'
import type { AppDeps, GatewayEnv } from '../app-deps.ts'
import { dispatchChat } from '../dispatch/dispatch-request.ts'
import { parseChatCompletionRequest } from '../openai/chat-completions.ts'
import type { Resilience } from '../resilience/resilience.ts'
import { isFirstChatToken } from '../resilience/first-token.ts'
import { firstItem } from '../resilience/resume-stream.ts'
import { implementationOf, noteRoute } from '../resilience/route-hooks.ts'
import { drain } from '../resilience/shadow.ts'
import { applyRoutePolicy } from '../routing/route-policy.ts'
import { streamChatCompletion } from './chat-completions-stream.ts'
import { backendCalls } from './backend-calls.ts'
import { findModelRoute } from './choose-backend.ts'
import { fromChatUsage } from '../observe/token-usage.ts'

export type ChatCompletionsDeps = Pick<
  AppDeps,
  'backends' | 'clock' | 'now' | 'newId' | 'logger' | 'options' | 'metrics'
> & { resilience: Resilience }

export function chatCompletions(deps: ChatCompletionsDeps): Handler<GatewayEnv> {
  return async function createChatCompletion(c) {
    const caller = c.get('caller')
    const request = parseChatCompletionRequest(c.get('body'))
    const open = c.get('record')
    open.start('chat', request.stream === true)
    const route = findModelRoute(caller, request.model)
    noteRoute(open.record, caller, route, request.model)
    const withPolicy = applyRoutePolicy(request, route)
    // Reasoning and budgets depend on the backend's family, so each attempt gets its own request.
    const prepareFor = (choice: RouteBackend) =>
      dispatchChat({
        parsed: request,
        prepared: withPolicy,
        route,
        choice,
        backendDropped: implementationOf(deps.backends, choice).droppedParameters?.(request) ?? [],
      })
    const calls = backendCalls({
      c,
      deps,
      api: 'Chat Completions API',
      route,
      backends: deps.backends,
      prepareFor,
      context: { id: deps.newId(), created: Math.floor(deps.clock() / 1000), model: request.model },
      model: request.model,
    })
    const stream = request.stream === true
    calls.mirror(({ backend, request: prepared, target, context }) =>
      stream
        ? drain(backend.stream(prepared, target, context))
        : backend.complete(prepared, target, context),
    )
    if (stream) {
      const deferred = calls.attemptStream(({ backend, request: prepared, target, context }) =>
        firstItem(backend.stream(prepared, target, context), isFirstChatToken),
      )
      return streamChatCompletion({
        ...calls.streamTo(deferred),
        chunks: deferred.items,
        call: deferred.call,
        includeUsage: request.stream_options?.include_usage === true,
        keepAliveMs: deps.options.keepAliveMs,
        logger: deps.logger,
        record: open,
        now: deps.now,
      })
    }
    const served = await calls.attempt(({ backend, request: prepared, target, context }) =>
      backend.complete(prepared, target, context),
    )
    try {
      open.record.firstTokenAt = deps.now()
      open.record.usage = fromChatUsage(served.value.usage)
      calls.announce(served.candidate.backend)
      return c.json(served.value)
    } finally {
      served.finish()
    }
  }
}
