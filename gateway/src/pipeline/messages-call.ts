// What /v1/messages and /v1/messages/count_tokens decide before any backend is called: the
// `anthropic-version` the client speaks, which of the route's backends can serve Anthropic's API,
// the route's policy (output cap, default temperature), and per attempt the Bedrock body with what
// it drops announced (or refused on a strict route). Pure: no Hono, no I/O.
import type { Route, RouteBackend } from '@strata/crds'
import { gatewayError, invalidRequest } from '../errors/catalogue.ts'
import type { Dispatched } from '../dispatch/dispatch-request.ts'
import { settleDropped } from '../dispatch/strict-mode.ts'
import type { MessagesInvoke } from '../backends/messages-backend.ts'
import type { BetaSplit } from '../translators/anthropic-to-invoke/betas.ts'
import { toInvokeBody } from '../translators/anthropic-to-invoke/request.ts'
import { modelFamilyOf } from '../models/model-family.ts'

/**
 * The versions of Anthropic's API the gateway speaks. 2026-10-21 removed temperature, top_p and
 * top_k from the Messages API and token counting (a request naming them is a 400, even at their
 * defaults), and refuses document blocks in assistant turns and citations on the text blocks of
 * user turns; the older two share one API.
 * Reference: https://docs.claude.com/en/api/versioning (version history).
 */
export const anthropicVersions: ReadonlySet<string> = new Set([
  '2023-01-01',
  '2023-06-01',
  '2026-10-21',
])

const samplingRemoved = '2026-10-21'
const samplingParameters = ['temperature', 'top_p', 'top_k'] as const

/** Anthropic requires the header and refuses versions it does not know; so does the gateway. */
export function checkAnthropicVersion(header: string | undefined): string {
  const version = header?.trim() ?? ''
  if (version === '')
    throw gatewayError('missing_anthropic_version', 'anthropic-version: header is required')
  if (!anthropicVersions.has(version))
    throw gatewayError(
      'invalid_anthropic_version',
      `anthropic-version: invalid version '${version}'; this gateway speaks ${[...anthropicVersions].join(', ')}`,
    )
  return version
}

/** What a version forbids in the request, refused as Anthropic refuses it. */
export function checkVersionRules(request: Record<string, unknown>, version: string): void {
  if (version < samplingRemoved) return
  const named = samplingParameters.find((param) => request[param] !== undefined)
  if (named !== undefined)
    throw invalidRequest(
      `${named}: this parameter was removed in anthropic-version ${samplingRemoved}`,
      named,
      'unsupported_parameter',
    )
  const refused = refusedBlock(request['messages'])
  if (refused !== undefined)
    throw invalidRequest(
      `${refused.path}: ${refused.rule} in anthropic-version ${samplingRemoved}`,
      refused.path,
    )
}

type Turn = { role?: unknown; content?: unknown }
type Block = { type?: unknown; citations?: unknown }

/** The first content block the 2026-10-21 rules refuse, with its path. */
function refusedBlock(messages: unknown): { path: string; rule: string } | undefined {
  if (!Array.isArray(messages)) return undefined
  for (const [turnIndex, turn] of (messages as Turn[]).entries()) {
    if (!Array.isArray(turn.content)) continue
    for (const [blockIndex, block] of (turn.content as Block[]).entries()) {
      const path = `messages.${String(turnIndex)}.content.${String(blockIndex)}`
      if (turn.role === 'assistant' && block.type === 'document')
        return { path, rule: 'document blocks are not allowed in assistant messages' }
      const cited = Array.isArray(block.citations) && block.citations.length > 0
      if (turn.role === 'user' && block.type === 'text' && cited)
        return { path, rule: 'citations are not allowed on text blocks in user messages' }
    }
  }
  return undefined
}

/**
 * Claude on a `converse` backend, reached with InvokeModel. Other models are refused rather than
 * translated (docs/decisions.md): Converse would drop thinking signatures, cache points and
 * citations, which is exactly what Anthropic-API clients rely on.
 */
export function servesMessages(backend: RouteBackend): boolean {
  return backend.kind === 'converse' && modelFamilyOf(backend.modelId)?.provider === 'anthropic'
}

export function refuseUnservedRoute(route: Route): void {
  if (!route.backends.some(servesMessages)) {
    throw gatewayError(
      'unsupported_model',
      `The model \`${route.model}\` is not served by a Claude model, and the Messages API (/v1/messages) serves Claude only; use /v1/chat/completions or /v1/responses for it.`,
      { param: 'model' },
    )
  }
}

/**
 * The route's cap bounds max_tokens; its default temperature fills a gap unless thinking is on or
 * the client's API version has no temperature.
 */
export function applyMessagesPolicy<T extends Record<string, unknown>>(
  request: T,
  route: Route,
  version: string,
): T {
  const prepared: Record<string, unknown> = { ...request }
  const cap = route.limits?.maxOutputTokens
  if (cap !== undefined && typeof prepared['max_tokens'] === 'number')
    prepared['max_tokens'] = Math.min(prepared['max_tokens'], cap)
  const thinking = prepared['thinking'] as { type?: unknown } | undefined
  const temperature = route.defaults?.temperature
  if (
    temperature !== undefined &&
    version < samplingRemoved &&
    prepared['temperature'] === undefined &&
    thinking?.type !== 'enabled'
  )
    prepared['temperature'] = Math.min(temperature, 1)
  return prepared as T
}

/** The body of one attempt, and what it drops (a strict route refuses instead). */
export function prepareMessagesCall(
  request: Record<string, unknown>,
  route: Route,
  betas: BetaSplit,
): Dispatched<MessagesInvoke> {
  const { body, dropped } = toInvokeBody(request, betas)
  return { request: { body }, dropped: settleDropped(route, dropped) }
}
