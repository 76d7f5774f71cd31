// A Message once its route is known: the Claude backends of the route are the candidates, each
// gets Anthropic's body for InvokeModel (messages-call.ts; a strict route refuses dropped betas or
// fields before anything is sent), the attempts run through resilience/, and the answer is one
// Message or its SSE event stream (messages-stream.ts), with what was dropped announced.
// Reference: https://docs.claude.com/en/api/messages
import type { Route } from '@strata/crds'
import type { Context } from 'hono'
import type { MessagesRequest } from '../anthropic/messages-request.ts'
import type { AppDeps } from '../app-deps.ts'
import type { GatewayEnv } from '../gateway-env.ts'
import { fromAnthropicUsage } from '../observe/anthropic-usage.ts'
import type { Resilience } from '../resilience/resilience.ts'
import type { BetaSplit } from '../translators/anthropic-to-invoke/betas.ts'
import type { MessagesStreamEvent } from '../translators/anthropic-to-invoke/stream.ts'
import { backendCalls } from './backend-calls.ts'
import { prepareMessagesCall, servesMessages } from './messages-call.ts'
import { streamMessages } from './messages-stream.ts'

export type MessagesDeps = Pick<
  AppDeps,
  'messages' | 'clock' | 'now' | 'logger' | 'options' | 'metrics'
> & {
  resilience: Resilience
}

export interface MessageInput {
  /** After the route's policy (applyMessagesPolicy). */
  request: MessagesRequest
  route: Route
  betas: BetaSplit
}

// Anthropic's preamble (message_start, a block's start) carries no model output yet.
const isFirstToken = (event: MessagesStreamEvent): boolean =>
  event.type !== 'message_start' && event.type !== 'content_block_start'

export async function serveMessage(
  c: Context<GatewayEnv>,
  deps: MessagesDeps,
  input: MessageInput,
): Promise<Response> {
  const { request, route, betas } = input
  // Every Claude backend gets the same body, so it is prepared once and shared by all candidates.
  const prepared = prepareMessagesCall(request, route, betas)
  const calls = backendCalls({
    c,
    deps,
    api: 'Messages API',
    route,
    backends: deps.messages?.backends,
    serves: servesMessages,
    prepareFor: () => prepared,
    context: { model: request.model },
    model: request.model,
  })
  return calls.serve({
    stream: request.stream === true,
    create: ({ backend, request: body, target, context }) => backend.create(body, target, context),
    open: ({ backend, request: body, target, context }) => backend.stream(body, target, context),
    isFirstToken,
    usageOf: (answer) => fromAnthropicUsage(answer.usage),
    respond: streamMessages,
  })
}
