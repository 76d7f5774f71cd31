// Anthropic Messages request → the body of Bedrock InvokeModel / InvokeModelWithResponseStream /
// CountTokens for Claude. Pure. Bedrock takes Anthropic's body with three differences: the model
// is the URL path, streaming is the operation, and beta flags travel in the body as
// `anthropic_beta` next to `anthropic_version: bedrock-2023-05-31`. Everything else (content
// blocks with thinking and signatures, cache_control, tools, images, documents, citations) is
// copied untouched.
// Reference: the Bedrock user guide, "Anthropic Claude Messages API" (request and response).
import type { BetaSplit } from './betas.ts'

export const BEDROCK_ANTHROPIC_VERSION = 'bedrock-2023-05-31'

/**
 * Top-level fields of Anthropic's API that Bedrock's body has no place for: first-party features
 * (MCP connectors, code-execution containers, service tiers) and `metadata`. They are dropped and
 * announced, never sent to fail the call.
 */
export const unsupportedFields = ['metadata', 'service_tier', 'container', 'mcp_servers'] as const

// Consumed by the gateway itself: the path carries the model, the operation the streaming.
const consumed = new Set(['model', 'stream'])

export interface InvokeBody {
  body: Record<string, unknown>
  /** What was dropped, as announced: field names, and `anthropic-beta: <flag>` per flag. */
  dropped: string[]
}

export function toInvokeBody(request: Record<string, unknown>, betas: BetaSplit): InvokeBody {
  const dropSet = new Set<string>(unsupportedFields)
  const body: Record<string, unknown> = { anthropic_version: BEDROCK_ANTHROPIC_VERSION }
  const dropped: string[] = []
  for (const [key, value] of Object.entries(request)) {
    if (consumed.has(key) || key === 'anthropic_version' || key === 'anthropic_beta') continue
    if (dropSet.has(key)) {
      dropped.push(key)
      continue
    }
    body[key] = value
  }
  if (betas.accepted.length > 0) body['anthropic_beta'] = betas.accepted
  for (const flag of betas.dropped) dropped.push(`anthropic-beta: ${flag}`)
  return { body, dropped }
}
