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
import { deferredStream } from '../resilience/deferred-stream.ts'
import { firstItem } from '../resilience/resume-stream.ts'
import { implementationOf, noteRoute, stickyValueOf } from '../resilience/route-hooks.ts'
import { runAttempts } from '../resilience/run-attempts.ts'
import { drain, mirror } from '../resilience/shadow.ts'
import { backendTarget } from '../routing/backend-target.ts'
import { applyRoutePolicy } from '../routing/route-policy.ts'
import { guardrailTarget } from '../guardrails/guardrail-target.ts'
import { streamChatCompletion } from './chat-completions-stream.ts'
import { announceDropped, findModelRoute } from './choose-backend.ts'
import { announceStream } from './stream-dropped.ts'
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
    const base = {
      id: deps.newId(),
      created: Math.floor(deps.clock() / 1000),
      model: request.model,
    }
    const implemented = (choice: RouteBackend): boolean => deps.backends[choice.kind] !== undefined
    const callOn = (choice: RouteBackend, signal: AbortSignal) => ({
      backend: implementationOf(deps.backends, choice),
      prepared: prepareFor(choice).request,
      target: {
        ...backendTarget(choice, caller.project.projectId),
        ...guardrailTarget(caller.project, route, (labels) =>
          deps.metrics.guardrailInterventions.inc(labels),
        ),
      },
      context: { ...base, signal },
    })
    const stream = request.stream === true
    mirror(deps.resilience, {
      route,
      implemented,
      send: (choice, signal) => {
        const { backend, prepared, target, context } = callOn(choice, signal)
        return stream
          ? drain(backend.stream(prepared, target, context))
          : backend.complete(prepared, target, context)
      },
    })
    const attempts = {
      route,
      open,
      clientSignal: c.req.raw.signal,
      stickyValue: stickyValueOf(route, (name) => c.req.header(name)),
      implemented,
      api: 'Chat Completions API',
    }
    const announce = (choice: RouteBackend): string[] => {
      const { dropped } = prepareFor(choice)
      announceDropped(c, deps.logger, dropped, choice.kind, request.model)
      return dropped
    }

    if (stream) {
      const deferred = deferredStream(c.req.raw.signal, (clientSignal) =>
        runAttempts(deps.resilience, {
          ...attempts,
          clientSignal,
          run: (choice, call) => {
            const { backend, prepared, target, context } = callOn(choice, call.signal)
            return firstItem(backend.stream(prepared, target, context), isFirstChatToken)
          },
        }),
      )
      const response = await streamChatCompletion({
        chunks: deferred.items,
        call: deferred.call,
        includeUsage: request.stream_options?.include_usage === true,
        keepAliveMs: deps.options.keepAliveMs,
        logger: deps.logger,
        record: open,
        now: deps.now,
      })
      announceStream(response, deferred, prepareFor, deps.logger, request.model)
      return response
    }
    const served = await runAttempts(deps.resilience, {
      ...attempts,
      run: (choice, call) => {
        const { backend, prepared, target, context } = callOn(choice, call.signal)
        return backend.complete(prepared, target, context)
      },
    })
    try {
      open.record.firstTokenAt = deps.now()
      open.record.usage = fromChatUsage(served.value.usage)
      announce(served.candidate.backend)
      return c.json(served.value)
    } finally {
      served.finish()
    }
  }
}
