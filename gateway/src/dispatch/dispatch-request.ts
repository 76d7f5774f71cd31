// The dispatch layer: one pass over a validated request, after the route's defaults and cap and
// before the backend, so that no call site has to remember the per-backend rules.
// - reasoning effort normalised to what the chosen backend honours (reasoning-capability.ts);
// - reasoning held to the route's share of the token budget (reasoning-budget.ts);
// - parameters the backend would drop announced, or refused on a strict route (strict-mode.ts).
// Pure: the route, the chosen backend and the requests go in, the request to send comes out.
import type { Route, RouteBackend } from '@strata/crds'
import { GatewayError } from '../errors/gateway-error.ts'
import type { ChatCompletionRequest } from '../openai/chat-completions.ts'
import type { ResponsesRequest } from '../openai/responses.ts'
import { modelFamilyOf } from '../models/model-family.ts'
import { defaultMaxReasoningPercent, planReasoningBudget } from '../models/reasoning-budget.ts'
import {
  normaliseEffort,
  reasoningCapabilityOf,
  type ReasoningEffort,
} from '../models/reasoning-capability.ts'
import { settleDropped } from './strict-mode.ts'
import { gatewayError } from '../errors/catalogue.ts'

export interface Dispatched<R> {
  request: R
  /** Parameters the client sent that the backend ignores: for `x-strata-dropped-params`. */
  dropped: string[]
}

interface ReasoningView {
  effort: ReasoningEffort | undefined
  /** Whether the client sent the effort (otherwise it is the route's default). */
  fromClient: boolean
  maxTokens: number | undefined
}

interface ReasoningOutcome {
  effort: ReasoningEffort | undefined
  maxTokens: number | undefined
  dropped: boolean
}

function tooSmall(minimum: number, param: string, effortParam: string): GatewayError {
  const message = Number.isFinite(minimum)
    ? `Invalid value for '${param}': with '${effortParam}' set, this model needs at least ${minimum} so that visible output keeps its share of the budget.`
    : `Unsupported value: '${effortParam}' is not allowed on this route (it gives reasoning no share of the token budget).`
  return gatewayError(Number.isFinite(minimum) ? 'invalid_value' : 'unsupported_value', message, {
    param: Number.isFinite(minimum) ? param : effortParam,
  })
}

function settleReasoning(
  view: ReasoningView,
  route: Route,
  choice: RouteBackend,
  params: { effort: string; maxTokens: string },
): ReasoningOutcome {
  const unchanged = { effort: view.effort, maxTokens: view.maxTokens, dropped: false }
  if (view.effort === undefined) return unchanged
  const capability = reasoningCapabilityOf(choice.kind, modelFamilyOf(choice.modelId))
  const effort = normaliseEffort(view.effort, capability)
  const without = { effort: undefined, maxTokens: view.maxTokens, dropped: view.fromClient }
  if (effort === undefined) return without
  const plan = planReasoningBudget({
    effort,
    capability,
    maxTokens: view.maxTokens,
    maxReasoningPercent: route.limits?.maxReasoningPercent ?? defaultMaxReasoningPercent,
  })
  if (plan.ok) return { effort: plan.effort, maxTokens: plan.maxTokens, dropped: false }
  // A strict route refuses; otherwise reasoning is dropped like any parameter the backend ignores.
  if (route.strict === true && view.fromClient)
    throw tooSmall(plan.minimumMaxTokens, params.maxTokens, params.effort)
  return without
}

/** dispatchChat prepares a Chat Completions request for the chosen backend. */
export function dispatchChat(input: {
  /** As the client sent it: tells the client's own parameters from the route's defaults. */
  parsed: ChatCompletionRequest
  /** After the route's defaults and cap (routing/route-policy.ts). */
  prepared: ChatCompletionRequest
  route: Route
  choice: RouteBackend
  /** What the backend itself reports it would ignore. */
  backendDropped: readonly string[]
}): Dispatched<ChatCompletionRequest> {
  const { parsed, prepared, route, choice } = input
  const maxTokens = prepared.max_completion_tokens ?? prepared.max_tokens ?? undefined
  const outcome = settleReasoning(
    {
      effort: prepared.reasoning_effort ?? undefined,
      fromClient: parsed.reasoning_effort != null,
      maxTokens,
    },
    route,
    choice,
    { effort: 'reasoning_effort', maxTokens: 'max_completion_tokens' },
  )
  const request = { ...prepared }
  if (outcome.effort === undefined) delete request.reasoning_effort
  else request.reasoning_effort = outcome.effort
  if (outcome.maxTokens !== maxTokens && outcome.maxTokens !== undefined) {
    request.max_completion_tokens = outcome.maxTokens
    if (request.max_tokens != null) request.max_tokens = outcome.maxTokens
  }
  const dropped = [...input.backendDropped, ...(outcome.dropped ? ['reasoning_effort'] : [])]
  return { request, dropped: settleDropped(route, dropped) }
}

// What Converse cannot honour of a Responses request, in Responses names. Image detail as for chat;
// `include` asks for outputs Converse has none of (encrypted reasoning, hosted-tool results), and
// `truncation: auto` for trimming the input to fit, which Converse never does. Logprobs in
// `include` are refused by the translator instead, as chat refuses `logprobs`.
function responsesDroppedOnConverse(request: ResponsesRequest): string[] {
  const dropped: string[] = []
  if (request.prompt_cache_key !== undefined) dropped.push('prompt_cache_key')
  if (request.truncation === 'auto') dropped.push('truncation')
  if (request.stream_options?.include_obfuscation === true)
    dropped.push('stream_options.include_obfuscation')
  if (request.include?.some((value) => value !== 'message.output_text.logprobs') === true)
    dropped.push('include')
  if (typeof request.input === 'string') return dropped
  const detailed = request.input.some(
    (item) =>
      'role' in item &&
      typeof item.content !== 'string' &&
      item.content.some((part) => part.type === 'input_image' && part.detail !== 'auto'),
  )
  return detailed ? [...dropped, 'input[].content[].detail'] : dropped
}

/** dispatchResponses prepares a Responses request for the chosen backend. */
export function dispatchResponses(input: {
  parsed: ResponsesRequest
  prepared: ResponsesRequest
  route: Route
  choice: RouteBackend
}): Dispatched<ResponsesRequest> {
  const { parsed, prepared, route, choice } = input
  const maxTokens = prepared.max_output_tokens ?? undefined
  const outcome = settleReasoning(
    {
      effort: prepared.reasoning?.effort ?? undefined,
      fromClient: parsed.reasoning?.effort != null,
      maxTokens,
    },
    route,
    choice,
    { effort: 'reasoning.effort', maxTokens: 'max_output_tokens' },
  )
  const request = { ...prepared }
  // Without an effort the rest of `reasoning` (the summary setting) still holds.
  const summary = request.reasoning?.summary
  if (outcome.effort !== undefined)
    request.reasoning = { ...request.reasoning, effort: outcome.effort }
  else if (summary != null) request.reasoning = { summary }
  else delete request.reasoning
  if (outcome.maxTokens !== maxTokens && outcome.maxTokens !== undefined)
    request.max_output_tokens = outcome.maxTokens
  const dropped = [
    ...(choice.kind === 'converse' ? responsesDroppedOnConverse(parsed) : []),
    ...(outcome.dropped ? ['reasoning.effort'] : []),
  ]
  return { request, dropped: settleDropped(route, dropped) }
}
