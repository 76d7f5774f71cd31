// POST /v1/messages: Anthropic's Messages API. Validate, resolve the alias in the caller's
// project, try its Claude backends (weights, fallbacks, circuits: resilience/run-attempts.ts),
// then answer with one Message or its SSE event stream. Errors are reshaped into Anthropic's
// shape by middleware/anthropic-error-shape.ts.
// Reference: https://docs.claude.com/en/api/messages
import type { RouteBackend } from '@strata/crds'
import type { Handler } from 'hono'
import type { AppDeps } from '../app-deps.ts'
import type { GatewayEnv } from '../gateway-env.ts'
import { parseMessagesRequest } from '../anthropic/messages-request.ts'
import { fromAnthropicUsage } from '../observe/anthropic-usage.ts'
import {
  applyMessagesPolicy,
  checkAnthropicVersion,
  checkVersionRules,
  prepareMessagesCall,
  refuseUnservedRoute,
  servesMessages,
} from '../pipeline/messages-call.ts'
import type { Resilience } from '../resilience/resilience.ts'
import { firstItem } from '../resilience/resume-stream.ts'
import { noteRoute } from '../pipeline/route-hooks.ts'
import { drain } from '../resilience/shadow.ts'
import { splitBetas } from '../translators/anthropic-to-invoke/betas.ts'
import type { MessagesStreamEvent } from '../translators/anthropic-to-invoke/stream.ts'
import { backendCalls } from '../pipeline/backend-calls.ts'
import { findModelRoute } from '../routing/find-route.ts'
import { streamMessages } from './messages-stream.ts'

export type MessagesDeps = Pick<
  AppDeps,
  'messages' | 'clock' | 'now' | 'logger' | 'options' | 'metrics'
> & {
  resilience: Resilience
}

// Anthropic's preamble (message_start, a block's start) carries no model output yet.
const isFirstToken = (event: MessagesStreamEvent): boolean =>
  event.type !== 'message_start' && event.type !== 'content_block_start'

export function messages(deps: MessagesDeps): Handler<GatewayEnv> {
  return async function createMessage(c) {
    const version = checkAnthropicVersion(c.req.header('anthropic-version'))
    const caller = c.get('caller')
    const parsed = parseMessagesRequest(c.get('body'))
    const open = c.get('record')
    open.start('messages', parsed.stream === true)
    const route = findModelRoute(caller, parsed.model)
    noteRoute(open.record, caller, route, parsed.model)
    refuseUnservedRoute(route)
    checkVersionRules(parsed, version)
    const request = applyMessagesPolicy(parsed, route, version)
    const betas = splitBetas(c.req.header('anthropic-beta'))
    const prepareFor = (_choice: RouteBackend) => prepareMessagesCall(request, route, betas)
    // A strict route refuses dropped betas or fields before anything is sent.
    prepareMessagesCall(request, route, betas)
    const calls = backendCalls({
      c,
      deps,
      api: 'Messages API',
      route,
      backends: deps.messages?.backends,
      serves: servesMessages,
      prepareFor,
      context: { model: parsed.model },
      model: parsed.model,
    })
    const stream = parsed.stream === true
    calls.mirror(({ backend, request: prepared, target, context }) =>
      stream
        ? drain(backend.stream(prepared, target, context))
        : backend.create(prepared, target, context),
    )
    if (stream) {
      const deferred = calls.attemptStream(({ backend, request: prepared, target, context }) =>
        firstItem(backend.stream(prepared, target, context), isFirstToken),
      )
      return streamMessages({
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
      open.record.usage = fromAnthropicUsage(served.value.usage)
      calls.announce(served.candidate.backend)
      return c.json(served.value)
    } finally {
      served.finish()
    }
  }
}
