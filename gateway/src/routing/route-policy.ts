// Per-route policy applied to a validated request before it goes upstream: the route's defaults
// fill what the client left out, and its output-token cap bounds what the client asked for.
import type { Route } from '@strata/crds'
import type { ChatCompletionRequest } from '../openai/chat-completions.ts'

export function applyRoutePolicy(
  request: ChatCompletionRequest,
  route: Route,
): ChatCompletionRequest {
  const prepared = { ...request }
  const defaults = route.defaults
  if (defaults?.temperature !== undefined) prepared.temperature ??= defaults.temperature
  if (defaults?.reasoningEffort !== undefined)
    prepared.reasoning_effort ??= defaults.reasoningEffort
  const cap = route.limits?.maxOutputTokens
  if (cap !== undefined) {
    if (prepared.max_tokens != null) prepared.max_tokens = Math.min(prepared.max_tokens, cap)
    if (prepared.max_completion_tokens != null || prepared.max_tokens == null) {
      prepared.max_completion_tokens = Math.min(prepared.max_completion_tokens ?? cap, cap)
    }
  }
  return prepared
}
