// Bedrock Converse response → OpenAI ChatCompletion.
// References: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html
// (response; summary in docs/reference/bedrock-runtime.md) and
// https://platform.openai.com/docs/api-reference/chat/object.
import type {
  ChatCompletion,
  ChatCompletionMessage,
  ChatCompletionMessageToolCall,
} from '../../openai/chat-completions.ts'
import type { ServiceTier } from '../../openai/chat-completion-response.ts'
import type { ConverseOutputBlock, ConverseResponse } from '../../upstream/converse-shapes.ts'
import { finishReasonOf } from './finish-reason.ts'
import { toCompletionUsage } from './usage.ts'

/** What the caller decides about a response: ids and clock are made outside translators. */
export interface ChatResponseContext {
  id: string
  created: number
  /** The alias the client sent, echoed as `model`. */
  model: string
  /** `parallel_tool_calls: false`: the gateway hands over only the first tool call. */
  singleToolCall: boolean
}

function toolCallOf(block: ConverseOutputBlock): ChatCompletionMessageToolCall | undefined {
  const use = block.toolUse
  if (use === undefined || use === null) return undefined
  return {
    id: use.toolUseId,
    type: 'function',
    function: { name: use.name, arguments: JSON.stringify(use.input ?? {}) },
  }
}

function messageOf(
  blocks: readonly ConverseOutputBlock[],
  singleToolCall: boolean,
): ChatCompletionMessage {
  let text = ''
  let reasoning: string | undefined
  let signature: string | undefined
  const toolCalls: ChatCompletionMessageToolCall[] = []
  for (const block of blocks) {
    if (typeof block.text === 'string') text += block.text
    const reasoningText = block.reasoningContent?.reasoningText
    if (reasoningText !== undefined && reasoningText !== null) {
      reasoning = (reasoning ?? '') + reasoningText.text
      if (typeof reasoningText.signature === 'string') signature = reasoningText.signature
    }
    const call = toolCallOf(block)
    if (call !== undefined && !(singleToolCall && toolCalls.length > 0)) toolCalls.push(call)
  }
  const message: ChatCompletionMessage = {
    role: 'assistant',
    content: text === '' && toolCalls.length > 0 ? null : text,
    refusal: null,
  }
  if (toolCalls.length > 0) message.tool_calls = toolCalls
  if (reasoning !== undefined) message.reasoning_content = reasoning
  if (signature !== undefined) message.reasoning_signature = signature
  return message
}

const serviceTiers: Readonly<Record<string, ServiceTier>> = {
  default: 'default',
  flex: 'flex',
  priority: 'priority',
  reserved: 'default',
}

/** serviceTierOf maps the tier Bedrock reports; OpenAI has no "reserved", which is a default tier. */
export function serviceTierOf(tier: string | undefined): ServiceTier | undefined {
  return tier === undefined ? undefined : serviceTiers[tier]
}

/**
 * toChatCompletion maps a Converse response. A malformed_* stop reason throws a GatewayError
 * (see finish-reason.ts).
 */
export function toChatCompletion(
  response: ConverseResponse,
  context: ChatResponseContext,
): ChatCompletion {
  const finishReason = finishReasonOf(response.stopReason)
  const blocks = response.output?.message?.content ?? []
  const completion: ChatCompletion = {
    id: context.id,
    object: 'chat.completion',
    created: context.created,
    model: context.model,
    choices: [
      {
        index: 0,
        message: messageOf(blocks, context.singleToolCall),
        finish_reason: finishReason,
        logprobs: null,
      },
    ],
    usage: toCompletionUsage(response.usage),
  }
  const tier = serviceTierOf(response.serviceTier?.type)
  if (tier !== undefined) completion.service_tier = tier
  return completion
}
