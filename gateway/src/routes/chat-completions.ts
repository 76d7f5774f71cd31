// POST /v1/chat/completions: validate, resolve the alias in the caller's project, choose a backend,
// then answer with one JSON completion or an SSE stream.
// Reference: https://platform.openai.com/docs/api-reference/chat/create
import type { Handler } from 'hono'
import type { AppDeps, GatewayEnv } from '../app-deps.ts'
import type { BackendKind, ChatBackend } from '../backends/chat-backend.ts'
import { GatewayError } from '../errors/gateway-error.ts'
import { parseChatCompletionRequest } from '../openai/chat-completions.ts'
import { backendTarget } from '../routing/backend-target.ts'
import { pickBackend } from '../routing/pick-backend.ts'
import { applyRoutePolicy } from '../routing/route-policy.ts'
import { findRoute } from '../routing/routing-index.ts'
import { streamChatCompletion } from './chat-completions-stream.ts'
import { modelNotFound } from './models.ts'
import { startUpstreamCall } from './upstream-call.ts'

/** Names the parameters the backend ignored, so no parameter is ever dropped silently. */
export const DROPPED_PARAMS_HEADER = 'x-strata-dropped-params'

export type ChatCompletionsDeps = Pick<
  AppDeps,
  'backends' | 'clock' | 'newId' | 'random' | 'logger' | 'options'
>

const noBackendAvailable = (alias: string): GatewayError =>
  new GatewayError(503, 'server_error', `No backend of the model \`${alias}\` is taking traffic.`, {
    code: 'no_backend_available',
  })

const kindNotServed = (kind: BackendKind): GatewayError =>
  new GatewayError(503, 'server_error', `This gateway has no ${kind} backend configured.`, {
    code: 'backend_unavailable',
  })

export function chatCompletions(deps: ChatCompletionsDeps): Handler<GatewayEnv> {
  return async function createChatCompletion(c) {
    const caller = c.get('caller')
    const request = parseChatCompletionRequest(c.get('body'))
    const route = findRoute(caller.index, caller.project, request.model)
    if (route === undefined) throw modelNotFound(request.model)
    const choice = pickBackend(route, deps.random)
    if (choice === undefined) throw noBackendAvailable(request.model)
    const backend: ChatBackend | undefined = deps.backends[choice.kind]
    if (backend === undefined) throw kindNotServed(choice.kind)

    const dropped = backend.droppedParameters?.(request) ?? []
    if (dropped.length > 0) {
      c.header(DROPPED_PARAMS_HEADER, dropped.join(', '))
      deps.logger.info('parameters accepted but not honoured by the backend', {
        dropped,
        backend: choice.kind,
        model: request.model,
      })
    }
    const prepared = applyRoutePolicy(request, route)
    const target = backendTarget(choice, caller.project.projectId)
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
      })
      if (dropped.length > 0) response.headers.set(DROPPED_PARAMS_HEADER, dropped.join(', '))
      return response
    }
    try {
      return c.json(await backend.complete(prepared, target, context))
    } catch (error) {
      throw call.explain(error)
    } finally {
      call.release()
    }
  }
}
