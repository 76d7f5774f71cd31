// POST /v1/messages/count_tokens: Anthropic's token counting. The same `anthropic-version`,
// authentication, alias resolution and Claude-only rule as /v1/messages;
// pipeline/serve-count-tokens.ts asks Bedrock CountTokens.
// Reference: https://docs.claude.com/en/api/messages-count-tokens
import type { Handler } from 'hono'
import { parseCountTokensRequest } from '../anthropic/messages-request.ts'
import type { GatewayEnv } from '../gateway-env.ts'
import {
  checkAnthropicVersion,
  checkVersionRules,
  refuseUnservedRoute,
} from '../pipeline/messages-call.ts'
import { noteRoute } from '../pipeline/route-hooks.ts'
import { serveCountTokens, type CountTokensDeps } from '../pipeline/serve-count-tokens.ts'
import { findModelRoute } from '../routing/find-route.ts'
import { splitBetas } from '../translators/anthropic-to-invoke/betas.ts'

export function countTokens(deps: CountTokensDeps): Handler<GatewayEnv> {
  return function countMessageTokens(c) {
    const version = checkAnthropicVersion(c.req.header('anthropic-version'))
    const caller = c.get('caller')
    const parsed = parseCountTokensRequest(c.get('body'))
    const open = c.get('record')
    open.start('count_tokens', false)
    const route = findModelRoute(caller, parsed.model)
    noteRoute(open.record, caller, route, parsed.model)
    refuseUnservedRoute(route)
    checkVersionRules(parsed, version)
    return serveCountTokens(c, deps, {
      parsed,
      route,
      betas: splitBetas(c.req.header('anthropic-beta')),
    })
  }
}
