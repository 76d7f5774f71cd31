// Chat Completions bodies for a planned reply (OpenAI API reference: "The chat completion
// object", "The chat completion chunk object"). Streams open with the role, send reasoning
// (Mantle's `delta.reasoning`, observed by brainlid/langchain #521), content, then each tool call
// as a header chunk plus argument pieces, a finish chunk, and with `include_usage` a last chunk
// with `choices: []` and the usage; every chunk before it carries `usage: null`.
import { chunk } from './converse-output.ts'
import { countWords, type ReplyPlan } from './converse-reply.ts'
import type { StopReason } from './scenarios.ts'

export interface ChatMeta {
  id: string
  /** Unix seconds. */
  created: number
  model: string
}

export interface ChatChunk {
  body: Record<string, unknown>
  delta: boolean
}

export function finishReason(stopReason: StopReason): string {
  switch (stopReason) {
    case 'tool_use':
      return 'tool_calls'
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length'
    case 'guardrail_intervened':
    case 'content_filtered':
      return 'content_filter'
    default:
      return 'stop'
  }
}

function reasoningText(plan: ReplyPlan): string | undefined {
  return plan.reasoning !== undefined && 'text' in plan.reasoning ? plan.reasoning.text : undefined
}

/** OpenAI counts cached tokens inside prompt_tokens; Bedrock's inputTokens leaves them out. */
export function chatUsage(plan: ReplyPlan): Record<string, unknown> {
  const { usage } = plan
  const cached = usage.cacheReadInputTokens ?? 0
  return {
    prompt_tokens: usage.inputTokens + cached + (usage.cacheWriteInputTokens ?? 0),
    completion_tokens: usage.outputTokens,
    total_tokens: usage.totalTokens,
    prompt_tokens_details: { cached_tokens: cached },
    completion_tokens_details: { reasoning_tokens: countWords(reasoningText(plan) ?? '') },
  }
}

function toolCalls(plan: ReplyPlan): Record<string, unknown>[] {
  return plan.toolCalls.map((call) => ({
    id: call.id,
    type: 'function',
    function: { name: call.name, arguments: JSON.stringify(call.input) },
  }))
}

export function chatCompletion(plan: ReplyPlan, meta: ChatMeta): Record<string, unknown> {
  const message: Record<string, unknown> = {
    role: 'assistant',
    content: plan.text ?? null,
    refusal: null,
  }
  const reasoning = reasoningText(plan)
  if (reasoning !== undefined) message['reasoning'] = reasoning
  if (plan.toolCalls.length > 0) message['tool_calls'] = toolCalls(plan)
  return {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: meta.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason(plan.stopReason) }],
    usage: chatUsage(plan),
  }
}

export interface ChunkOptions {
  chunkSize: number
  includeUsage: boolean
}

export function* chatCompletionChunks(
  plan: ReplyPlan,
  meta: ChatMeta,
  options: ChunkOptions,
): Generator<ChatChunk> {
  const envelope = (choices: unknown[], usage: unknown = null): Record<string, unknown> => ({
    id: meta.id,
    object: 'chat.completion.chunk',
    created: meta.created,
    model: meta.model,
    choices,
    ...(options.includeUsage ? { usage } : {}),
  })
  const choice = (delta: Record<string, unknown>, finish: string | null = null): unknown => ({
    index: 0,
    delta,
    logprobs: null,
    finish_reason: finish,
  })
  const deltaChunk = (delta: Record<string, unknown>): ChatChunk => ({
    body: envelope([choice(delta)]),
    delta: true,
  })

  yield {
    body: envelope([choice({ role: 'assistant', content: '', refusal: null })]),
    delta: false,
  }
  for (const piece of chunk(reasoningText(plan) ?? '', options.chunkSize)) {
    yield deltaChunk({ reasoning: piece })
  }
  for (const piece of chunk(plan.text ?? '', options.chunkSize))
    yield deltaChunk({ content: piece })
  for (const [index, call] of plan.toolCalls.entries()) {
    const header = {
      index,
      id: call.id,
      type: 'function',
      function: { name: call.name, arguments: '' },
    }
    yield { body: envelope([choice({ tool_calls: [header] })]), delta: false }
    const input = JSON.stringify(call.input)
    // Several pieces even for small inputs, so clients must really reassemble the JSON.
    const size = Math.min(options.chunkSize, Math.max(1, Math.ceil(input.length / 3)))
    for (const piece of chunk(input, size)) {
      yield deltaChunk({ tool_calls: [{ index, function: { arguments: piece } }] })
    }
  }
  yield { body: envelope([choice({}, finishReason(plan.stopReason))]), delta: false }
  if (options.includeUsage) yield { body: envelope([], chatUsage(plan)), delta: false }
}
