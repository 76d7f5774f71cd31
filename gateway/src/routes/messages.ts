// POST /v1/messages: Anthropic's Messages API. Check `anthropic-version`, validate, resolve the
// alias in the caller's project, refuse a route with no Claude backend and apply the route's
// policy; pipeline/serve-message.ts runs the rest (attempts across the route's Claude backends,
// then one Message or its SSE event stream). Errors are reshaped into Anthropic's shape by
// middleware/anthropic-error-shape.ts.
// Reference: https://docs.claude.com/en/api/messages
import type { Handler } from 'hono'
import { parseMessagesRequest } from '../anthropic/messages-request.ts'
import type { GatewayEnv } from '../gateway-env.ts'
import {
  applyMessagesPolicy,
  checkAnthropicVersion,
  checkVersionRules,
  refuseUnservedRoute,
} from '../pipeline/messages-call.ts'
import { noteRoute } from '../pipeline/route-hooks.ts'
import { serveMessage, type MessagesDeps } from '../pipeline/serve-message.ts'
import { findModelRoute } from '../routing/find-route.ts'
import { splitBetas } from '../translators/anthropic-to-invoke/betas.ts'

export function messages(deps: MessagesDeps): Handler<GatewayEnv> {
  return function createMessage(c) {
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
    return serveMessage(c, deps, {
      request,
      route,
      betas: splitBetas(c.req.header('anthropic-beta')),
    })
  }
}
