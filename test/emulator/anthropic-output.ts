// What Claude on Bedrock answers to an Anthropic-format InvokeModel body: one Message object, or
// the Messages streaming events that InvokeModelWithResponseStream carries one per `chunk`
// (Anthropic's "Streaming Messages": message_start, then per block content_block_start, deltas
// and content_block_stop, then message_delta with the stop reason and output tokens, then
// message_stop). Bedrock adds `amazon-bedrock-invocationMetrics` to message_stop; Bedrock sends
// no `ping` events inside the event stream.
import { chunk } from './converse-output.ts'
import { countWords, planPromptReply, type ReplyPlan } from './converse-reply.ts'
import { blocksOf, thinkingSignature, type AnthropicBody } from './anthropic-validation.ts'
import type { Reply } from './scenarios.ts'

export type AnthropicEvent = Record<string, unknown> & { type: string }

function textOf(block: Record<string, unknown>): string[] {
  if (block['type'] === 'text' && typeof block['text'] === 'string') return [block['text']]
  if (block['type'] !== 'tool_result') return []
  const content = block['content']
  if (typeof content === 'string') return [content]
  if (!Array.isArray(content)) return []
  return content.flatMap((part) =>
    typeof part === 'object' && part !== null ? textOf(part as Record<string, unknown>) : [],
  )
}

/** Every text of the prompt: what input tokens are counted on (one token per word). */
export function promptTexts(body: Pick<AnthropicBody, 'system' | 'messages'>): string[] {
  const system = body.system === undefined ? [] : blocksOf(body.system).flatMap(textOf)
  return [
    ...system,
    ...body.messages.flatMap((message) => blocksOf(message.content).flatMap(textOf)),
  ]
}

export function inputTokensOf(body: Pick<AnthropicBody, 'system' | 'messages'>): number {
  return countWords(...promptTexts(body))
}

/** The scripted reply, or an echo of the last user turn (its text, or the tool results it carries). */
export function planClaudeReply(body: AnthropicBody, reply: Reply = {}): ReplyPlan {
  const lastUser = body.messages.findLast((message) => message.role === 'user')
  const lastUserText =
    lastUser === undefined ? '' : blocksOf(lastUser.content).flatMap(textOf).join('\n')
  return planPromptReply({ lastUserText, inputTokens: inputTokensOf(body) }, reply, {
    toolCallIdPrefix: 'toolu_bdrk_emulator',
  })
}

const stopReasons: Record<string, string> = {
  end_turn: 'end_turn',
  tool_use: 'tool_use',
  max_tokens: 'max_tokens',
  stop_sequence: 'stop_sequence',
  model_context_window_exceeded: 'model_context_window_exceeded',
}

function contentOf(plan: ReplyPlan): Record<string, unknown>[] {
  const content: Record<string, unknown>[] = []
  const reasoning = plan.reasoning
  if (reasoning !== undefined) {
    content.push(
      'redacted' in reasoning
        ? { type: 'redacted_thinking', data: reasoning.redacted }
        : {
            type: 'thinking',
            thinking: reasoning.text,
            signature: thinkingSignature(reasoning.text),
          },
    )
  }
  if (plan.text !== undefined) content.push({ type: 'text', text: plan.text })
  for (const call of plan.toolCalls)
    content.push({ type: 'tool_use', id: call.id, name: call.name, input: call.input })
  return content
}

function usageOf(plan: ReplyPlan): Record<string, number> {
  return {
    input_tokens: plan.usage.inputTokens,
    cache_creation_input_tokens: plan.usage.cacheWriteInputTokens ?? 0,
    cache_read_input_tokens: plan.usage.cacheReadInputTokens ?? 0,
    output_tokens: plan.usage.outputTokens,
  }
}

export interface MessageIdentity {
  id: string
  /** What Bedrock names the model in the body: the Anthropic model name. */
  model: string
}

export function claudeMessage(plan: ReplyPlan, identity: MessageIdentity): Record<string, unknown> {
  return {
    id: identity.id,
    type: 'message',
    role: 'assistant',
    model: identity.model,
    content: contentOf(plan),
    stop_reason: stopReasons[plan.stopReason] ?? 'end_turn',
    stop_sequence: null,
    usage: usageOf(plan),
  }
}

export interface ClaudeStreamOptions {
  chunkSize: number
  /** Read at message_stop, for the invocation metrics. */
  elapsedMs: () => number
}

function* blockEvents(
  block: Record<string, unknown>,
  index: number,
  chunkSize: number,
): Generator<AnthropicEvent> {
  const delta = (value: Record<string, unknown>): AnthropicEvent => ({
    type: 'content_block_delta',
    index,
    delta: value,
  })
  if (block['type'] === 'thinking') {
    yield { type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '' } }
    for (const piece of chunk(String(block['thinking']), chunkSize))
      yield delta({ type: 'thinking_delta', thinking: piece })
    yield delta({ type: 'signature_delta', signature: block['signature'] })
  } else if (block['type'] === 'text') {
    yield { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }
    for (const piece of chunk(String(block['text']), chunkSize))
      yield delta({ type: 'text_delta', text: piece })
  } else if (block['type'] === 'tool_use') {
    const start = { type: 'tool_use', id: block['id'], name: block['name'], input: {} }
    yield { type: 'content_block_start', index, content_block: start }
    for (const piece of chunk(JSON.stringify(block['input']), chunkSize))
      yield delta({ type: 'input_json_delta', partial_json: piece })
  } else {
    yield { type: 'content_block_start', index, content_block: block }
  }
  yield { type: 'content_block_stop', index }
}

export function* claudeStreamEvents(
  plan: ReplyPlan,
  identity: MessageIdentity,
  options: ClaudeStreamOptions,
): Generator<AnthropicEvent> {
  const usage = usageOf(plan)
  yield {
    type: 'message_start',
    message: {
      ...claudeMessage(plan, identity),
      content: [],
      stop_reason: null,
      usage: { ...usage, output_tokens: 1 },
    },
  }
  for (const [index, block] of contentOf(plan).entries())
    yield* blockEvents(block, index, options.chunkSize)
  yield {
    type: 'message_delta',
    delta: { stop_reason: stopReasons[plan.stopReason] ?? 'end_turn', stop_sequence: null },
    usage: { output_tokens: plan.usage.outputTokens },
  }
  const latency = options.elapsedMs()
  yield {
    type: 'message_stop',
    'amazon-bedrock-invocationMetrics': {
      inputTokenCount: plan.usage.inputTokens,
      outputTokenCount: plan.usage.outputTokens,
      invocationLatency: latency,
      firstByteLatency: Math.min(latency, 1),
    },
  }
}
