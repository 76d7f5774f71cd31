// POST /v1/chat/completions: validate, resolve the alias in the caller's project, choose a backend,
// then answer with one JSON completion or an SSE stream.
// Reference: https://platform.openai.com/docs/api-reference/chat/create
import type { Handler } from 'hono'
import type { AppDeps, GatewayEnv } from '../app-deps.ts'
import { parseChatCompletionRequest } from '../openai/chat-completions.ts'
import { backendTarget } from '../routing/backend-target.ts'
import { applyRoutePolicy } from '../routing/route-policy.ts'
import { guardrailTarget } from '../guardrails/guardrail-target.ts'
import { streamChatCompletion } from './chat-completions-stream.ts'
import {
  announceDropped,
  chooseBackend,
  DROPPED_PARAMS_HEADER,
  findModelRoute,
  noteChoice,
} from './choose-backend.ts'
import { fromChatUsage } from '../observe/token-usage.ts'
import { startUpstreamCall } from './upstream-call.ts'

export type ChatCompletionsDeps = Pick<
  AppDeps,
  'backends' | 'clock' | 'now' | 'newId' | 'random' | 'logger' | 'options' | 'metrics'
>

export function chatCompletions(deps: ChatCompletionsDeps): Handler<GatewayEnv> {
  return async function createChatCompletion(c) {
    const caller = c.get('caller')
    const request = parseChatCompletionRequest(c.get('body'))
    const open = c.get('record')
    open.start('chat', request.stream === true)
    const route = findModelRoute(caller, request.model)
    const { choice, backend } = chooseBackend(
      route,
      deps.random,
      { backends: deps.backends },
      'Chat Completions API',
    )
    noteChoice(open.record, caller, route, choice, request.model)
    const dropped = backend.droppedParameters?.(request) ?? []
    announceDropped(c, deps.logger, dropped, choice.kind, request.model)
    const prepared = applyRoutePolicy(request, route)
    const target = {
      ...backendTarget(choice, caller.project.projectId),
      ...guardrailTarget(caller.project, route, (labels) =>
        deps.metrics.guardrailInterventions.inc(labels),
      ),
    }
    const call = startUpstreamCall(c.req.raw.signal, route.limits?.timeoutMs)
    const context = {
      id: deps.newId(),
      created: Math.floor(deps.clock() / 1000),
      model: request.model,
      signal: call.signal,
    }

    if (prepared.stream === true) {
      const response = await streamChatCompletion({
        chunks: backend.stream(prepared, target, context),
        call,
        includeUsage: prepared.stream_options?.include_usage === true,
        keepAliveMs: deps.options.keepAliveMs,
        logger: deps.logger,
        record: open,
        now: deps.now,
      })
      if (dropped.length > 0) response.headers.set(DROPPED_PARAMS_HEADER, dropped.join(', '))
      return response
    }
    const since = deps.now()
    try {
      const completion = await backend.complete(prepared, target, context)
      open.record.firstTokenAt = deps.now()
      open.record.usage = fromChatUsage(completion.usage)
      return c.json(completion)
    } catch (error) {
      throw call.explain(error)
    } finally {
      open.addUpstreamTime(since, deps.now())
      call.release()
    }
  }
}
