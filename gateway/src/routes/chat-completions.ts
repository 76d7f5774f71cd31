// POST /v1/chat/completions: validate, resolve the alias in the caller's project and apply the
// route's policy; pipeline/serve-chat-completion.ts runs the rest (attempts across the route's
// backends, then one JSON completion or an SSE stream).
// Reference: https://platform.openai.com/docs/api-reference/chat/create
import type { Handler } from 'hono'
import type { GatewayEnv } from '../gateway-env.ts'
import { parseChatCompletionRequest } from '../openai/chat-completions.ts'
import { noteRoute } from '../pipeline/route-hooks.ts'
import { serveChatCompletion, type ChatCompletionsDeps } from '../pipeline/serve-chat-completion.ts'
import { findModelRoute } from '../routing/find-route.ts'
import { applyRoutePolicy } from '../routing/route-policy.ts'

export function chatCompletions(deps: ChatCompletionsDeps): Handler<GatewayEnv> {
  return function createChatCompletion(c) {
    const caller = c.get('caller')
    const request = parseChatCompletionRequest(c.get('body'))
    const open = c.get('record')
    open.start('chat', request.stream === true)
    const route = findModelRoute(caller, request.model)
    noteRoute(open.record, caller, route, request.model)
    const prepared = applyRoutePolicy(request, route)
    return serveChatCompletion(c, deps, { parsed: request, prepared, route })
  }
}
