// The Responses API's Response object and output items for a planned reply (OpenAI API
// reference: "The response object"; reasoning items carry `reasoning_text` content the way
// open-weight models such as gpt-oss report it, or `encrypted_content` when redacted).
import { chatUsage } from './chat-completions-output.ts'
import type { ReplyPlan } from './converse-reply.ts'
import type { ResponsesRequest } from './mantle-requests.ts'

export interface ResponseIds {
  response: string
  reasoning: string
  message: string
  /** One per tool call: the output item id (`fc_…`). */
  functionCalls: string[]
}

export interface ResponseMeta {
  ids: ResponseIds
  /** Unix seconds. */
  createdAt: number
  model: string
  request: ResponsesRequest
}

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed'

export function outputText(text: string): Record<string, unknown> {
  return { type: 'output_text', text, annotations: [], logprobs: [] }
}

export function reasoningItem(
  plan: ReplyPlan,
  ids: ResponseIds,
): Record<string, unknown> | undefined {
  const reasoning = plan.reasoning
  if (reasoning === undefined) return undefined
  const item = { id: ids.reasoning, type: 'reasoning', summary: [] }
  if ('redacted' in reasoning) return { ...item, encrypted_content: reasoning.redacted }
  return { ...item, content: [{ type: 'reasoning_text', text: reasoning.text }] }
}

export function messageItem(
  text: string,
  ids: ResponseIds,
  status: string,
): Record<string, unknown> {
  const content = status === 'in_progress' ? [] : [outputText(text)]
  return { id: ids.message, type: 'message', status, role: 'assistant', content }
}

export function functionCallItem(
  plan: ReplyPlan,
  ids: ResponseIds,
  index: number,
  status: string,
): Record<string, unknown> {
  const call = plan.toolCalls[index]
  return {
    id: ids.functionCalls[index] ?? `fc_${index}`,
    type: 'function_call',
    status,
    arguments: status === 'in_progress' ? '' : JSON.stringify(call?.input ?? {}),
    call_id: call?.id ?? '',
    name: call?.name ?? '',
  }
}

export function outputItems(plan: ReplyPlan, ids: ResponseIds): Record<string, unknown>[] {
  const items: Record<string, unknown>[] = []
  const reasoning = reasoningItem(plan, ids)
  if (reasoning !== undefined) items.push(reasoning)
  if (plan.text !== undefined) items.push(messageItem(plan.text, ids, 'completed'))
  for (const index of plan.toolCalls.keys()) {
    items.push(functionCallItem(plan, ids, index, 'completed'))
  }
  return items
}

export function responsesUsage(plan: ReplyPlan): Record<string, unknown> {
  const usage = chatUsage(plan)
  return {
    input_tokens: usage['prompt_tokens'],
    input_tokens_details: usage['prompt_tokens_details'],
    output_tokens: usage['completion_tokens'],
    output_tokens_details: usage['completion_tokens_details'],
    total_tokens: usage['total_tokens'],
  }
}

/** How a finished reply ends: a token limit or a filter makes the response incomplete. */
export function finalStatus(plan: ReplyPlan): {
  status: ResponseStatus
  incompleteDetails: { reason: string } | null
} {
  switch (plan.stopReason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return { status: 'incomplete', incompleteDetails: { reason: 'max_output_tokens' } }
    case 'guardrail_intervened':
    case 'content_filtered':
      return { status: 'incomplete', incompleteDetails: { reason: 'content_filter' } }
    default:
      return { status: 'completed', incompleteDetails: null }
  }
}

export interface ResponseState {
  status: ResponseStatus
  output: Record<string, unknown>[]
  usage: Record<string, unknown> | null
  incompleteDetails?: { reason: string } | null
  error?: { code: string; message: string } | null
  completedAt?: number
}

export function responseObject(meta: ResponseMeta, state: ResponseState): Record<string, unknown> {
  const { request } = meta
  return {
    id: meta.ids.response,
    object: 'response',
    created_at: meta.createdAt,
    status: state.status,
    background: false,
    completed_at: state.completedAt ?? null,
    error: state.error ?? null,
    incomplete_details: state.incompleteDetails ?? null,
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    metadata: request.metadata ?? {},
    model: meta.model,
    output: state.output,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: request.reasoning?.effort ?? null, summary: null },
    service_tier: 'default',
    store: request.store ?? true,
    temperature: request.temperature ?? 1,
    text: { format: { type: 'text' } },
    tool_choice: request.tool_choice ?? 'auto',
    tools: request.tools ?? [],
    top_p: request.top_p ?? 1,
    truncation: 'disabled',
    usage: state.usage,
    user: null,
  }
}

/** The whole answer as one Response, for `stream: false`. */
export function finishedResponse(
  plan: ReplyPlan,
  meta: ResponseMeta,
  completedAt: number,
): Record<string, unknown> {
  const { status, incompleteDetails } = finalStatus(plan)
  return responseObject(meta, {
    status,
    incompleteDetails,
    output: outputItems(plan, meta.ids),
    usage: responsesUsage(plan),
    completedAt,
  })
}
