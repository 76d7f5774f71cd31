// A chat completion once its route is known: each candidate backend gets the request prepared for
// its family (dispatch/, once per candidate), the attempts run through resilience/, and the answer
// is one JSON completion or an SSE stream, with what the serving backend dropped announced.
// Reference: https://platform.openai.com/docs/api-reference/chat/create
import type { Route, RouteBackend } from '@strata/crds'
import type { Context } from 'hono'
import type { AppDeps } from '../app-deps.ts'
import { dispatchChat } from '../dispatch/dispatch-request.ts'
import type { GatewayEnv } from '../gateway-env.ts'
import type { ChatCompletionRequest } from '../openai/chat-completions.ts'
import { fromChatUsage } from '../observe/token-usage.ts'
import { isFirstChatToken } from '../resilience/first-token.ts'
import type { Resilience } from '../resilience/resilience.ts'
import { backendCalls } from './backend-calls.ts'
import { streamChatCompletion } from './chat-completions-stream.ts'
import { implementationOf } from './route-hooks.ts'

export type ChatCompletionsDeps = Pick<
  AppDeps,
  'backends' | 'clock' | 'now' | 'newId' | 'logger' | 'options' | 'metrics'
> & { resilience: Resilience }

export interface ChatCompletionInput {
  /** As the client sent it: tells the client's own parameters from the route's defaults. */
  parsed: ChatCompletionRequest
  /** After the route's defaults and cap (routing/route-policy.ts). */
  prepared: ChatCompletionRequest
  route: Route
}

export async function serveChatCompletion(
  c: Context<GatewayEnv>,
  deps: ChatCompletionsDeps,
  input: ChatCompletionInput,
): Promise<Response> {
  const { parsed, prepared, route } = input
  const calls = backendCalls({
    c,
    deps,
    api: 'Chat Completions API',
    route,
    backends: deps.backends,
    // Reasoning and budgets depend on the backend's family, so each candidate gets its own request.
    prepareFor: (choice: RouteBackend) =>
      dispatchChat({
        parsed,
        prepared,
        route,
        choice,
        backendDropped: implementationOf(deps.backends, choice).droppedParameters?.(parsed) ?? [],
      }),
    context: { id: deps.newId(), created: Math.floor(deps.clock() / 1000), model: parsed.model },
    model: parsed.model,
  })
  const includeUsage = prepared.stream_options?.include_usage === true
  return calls.serve({
    stream: prepared.stream === true,
    create: ({ backend, request, target, context }) => backend.complete(request, target, context),
    open: ({ backend, request, target, context }) => backend.stream(request, target, context),
    isFirstToken: isFirstChatToken,
    usageOf: (answer) => fromChatUsage(answer.usage),
    respond: (start) => streamChatCompletion({ ...start, includeUsage }),
  })
}
