// The token estimate a request is admitted on, before anyone knows its real usage: the prompt at
// about four characters per token plus the most output it may produce. Settled against the real
// usage when the request record closes (limiter.ts), so the estimate only has to be in the right
// order of magnitude; OpenAI admits on the same two parts.
import type { Route } from '@strata/crds'

const CHARS_PER_TOKEN = 4

function numberField(body: Record<string, unknown>, name: string): number | undefined {
  const value = body[name]
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined
}

/** The prompt part: whatever the client sent as messages or input, serialised. */
export function promptTokenEstimate(body: Record<string, unknown>): number {
  const prompt = [body['messages'], body['input'], body['instructions'], body['tools']]
    .filter((part) => part !== undefined && part !== null)
    .map((part) => (typeof part === 'string' ? part : JSON.stringify(part)))
    .join('')
  return Math.max(1, Math.ceil(prompt.length / CHARS_PER_TOKEN))
}

/** The output part: what the client allows, bounded by the route's cap; 0 when neither says. */
export function outputTokenBound(body: Record<string, unknown>, route: Route): number {
  const asked =
    numberField(body, 'max_completion_tokens') ??
    numberField(body, 'max_tokens') ??
    numberField(body, 'max_output_tokens')
  const cap = route.limits?.maxOutputTokens
  if (asked === undefined) return cap ?? 0
  return cap === undefined ? asked : Math.min(asked, cap)
}

export function estimateTokens(body: Record<string, unknown>, route: Route): number {
  return promptTokenEstimate(body) + outputTokenBound(body, route)
}
