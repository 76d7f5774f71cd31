// OpenAI `messages` → Converse `system` + `messages`.
// References: https://platform.openai.com/docs/api-reference/chat/create (message roles) and
// https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Message.html.
//
// Converse differs from OpenAI in four ways that shape this file:
// - system prompts are a separate list, so system and developer messages are hoisted there in
//   order (a mid-conversation system message loses its position; Converse has no place for it);
// - there is no tool role: tool results are `toolResult` blocks inside a user message;
// - roles must alternate, so consecutive messages of one role are merged into one;
// - a thinking model needs its reasoning block (with signature) back before its tool calls.
import { checkJsonDepth } from '../../openai/json-depth.ts'
import type { AssistantMessage, ChatMessage, ToolMessage } from '../../openai/chat-messages.ts'
import type {
  ConverseContentBlock,
  ConverseMessage,
  ConverseRole,
  SystemContentBlock,
} from '../../upstream/converse-shapes.ts'
import { cachePointOf, textBlocks, userBlocks } from './content.ts'
import { converseToolUseId } from './tool-use-id.ts'
import type { ResolvedImages } from './media.ts'
import { invalidRequest } from '../../errors/catalogue.ts'

export interface ConverseConversation {
  system: SystemContentBlock[]
  messages: ConverseMessage[]
}

function toolInput(argumentsJson: string, param: string): unknown {
  if (argumentsJson.trim() === '') return {}
  let input: unknown
  try {
    input = JSON.parse(argumentsJson) as unknown
  } catch {
    throw invalidRequest(
      `Invalid value for '${param}': the tool call arguments are not valid JSON.`,
      param,
      'invalid_value',
    )
  }
  checkJsonDepth(input, param)
  return input
}

// Only a signed reasoning block is sent back: models that sign (Claude) require it before tool
// calls, and models that do not sign reject or ignore replayed reasoning.
function reasoningBlocks(message: AssistantMessage): ConverseContentBlock[] {
  const text = message.reasoning_content
  const signature = message.reasoning_signature
  if (text === undefined || text === null || signature === undefined || signature === null)
    return []
  return [{ reasoningContent: { reasoningText: { text, signature } } }]
}

function assistantBlocks(message: AssistantMessage, param: string): ConverseContentBlock[] {
  const blocks: ConverseContentBlock[] = reasoningBlocks(message)
  const { content } = message
  if (typeof content === 'string') blocks.push(...textBlocks(content))
  else if (content !== undefined && content !== null) {
    const parts = content.map((part) =>
      part.type === 'text' ? part : { type: 'text' as const, text: part.refusal },
    )
    blocks.push(...textBlocks(parts))
  } else if (typeof message.refusal === 'string') blocks.push(...textBlocks(message.refusal))
  message.tool_calls?.forEach((call, index) => {
    const callParam = `${param}.tool_calls[${index}]`
    if (call.type !== 'function') {
      throw invalidRequest(
        `Unsupported value: custom tool calls in '${callParam}' are not supported with this model.`,
        `${callParam}.type`,
        'unsupported_value',
      )
    }
    const input = toolInput(call.function.arguments, `${callParam}.function.arguments`)
    blocks.push({
      toolUse: { toolUseId: converseToolUseId(call.id), name: call.function.name, input },
    })
  })
  return blocks
}

function toolResultBlock(message: ToolMessage): ConverseContentBlock {
  const texts = textBlocks(message.content).filter((block) => 'text' in block)
  // A tool may legitimately return nothing; Converse still needs one content item.
  const content = texts.length > 0 ? texts : [{ text: '(empty)' }]
  return { toolResult: { toolUseId: converseToolUseId(message.tool_call_id), content } }
}

interface Turn {
  role: ConverseRole
  blocks: ConverseContentBlock[]
}

function turnOf(
  message: ChatMessage,
  param: string,
  images: ResolvedImages | undefined,
): Turn | undefined {
  switch (message.role) {
    case 'user':
      return { role: 'user', blocks: userBlocks(message.content, `${param}.content`, images) }
    case 'assistant':
      return { role: 'assistant', blocks: assistantBlocks(message, param) }
    case 'tool':
      return { role: 'user', blocks: [toolResultBlock(message)] }
    case 'function':
      throw invalidRequest(
        `Unsupported value: messages with role 'function' are deprecated; use role 'tool'.`,
        `${param}.role`,
        'unsupported_value',
      )
    case 'system':
    case 'developer':
      return undefined
  }
}

/**
 * toConverseConversation maps OpenAI messages to Converse's system list and alternating
 * user/assistant messages. `images` holds pre-fetched bytes for remote image URLs.
 */
export function toConverseConversation(
  messages: readonly ChatMessage[],
  images?: ResolvedImages,
): ConverseConversation {
  const system: SystemContentBlock[] = []
  const out: ConverseMessage[] = []
  messages.forEach((message, index) => {
    const param = `messages[${index}]`
    const hint = 'cache_control' in message ? message.cache_control : undefined
    if (message.role === 'system' || message.role === 'developer') {
      system.push(...textBlocks(message.content))
      if (hint !== undefined) system.push(cachePointOf(hint))
      return
    }
    const turn = turnOf(message, param, images)
    if (turn === undefined) return
    if (hint !== undefined && turn.blocks.length > 0) turn.blocks.push(cachePointOf(hint))
    if (turn.blocks.length === 0) return
    const previous = out.at(-1)
    if (previous?.role === turn.role) previous.content.push(...turn.blocks)
    else out.push({ role: turn.role, content: turn.blocks })
  })
  if (out.length === 0) throw nothingToAnswer(messages)
  // Converse refuses a conversation that starts with the assistant ("A conversation must start
  // with a user message"); OpenAI takes one, as chat apps that greet first or trim their history
  // send it. A one-character user turn in front keeps the assistant's words as they were.
  if (out[0]?.role === 'assistant')
    out.unshift({ role: 'user', content: [{ text: LEADING_USER_TEXT }] })
  return { system, messages: out }
}

/** The user turn put before a conversation that starts with the assistant. */
const LEADING_USER_TEXT = '.'

// Converse needs one message with content besides the system prompt; blank text carries nothing
// (and Converse refuses it), so a conversation of only blank or system messages is refused here,
// naming the message at fault.
function nothingToAnswer(messages: readonly ChatMessage[]): Error {
  const index = messages.findIndex((m) => m.role !== 'system' && m.role !== 'developer')
  if (index < 0) {
    return invalidRequest(
      "Invalid value for 'messages': there is no user message; a Bedrock model needs one besides the system messages.",
      'messages',
      'invalid_value',
    )
  }
  const param = `messages[${index}].content`
  return invalidRequest(
    `Invalid value for '${param}': the content is empty; a Bedrock model needs some text to answer.`,
    param,
    'invalid_value',
  )
}

/** historyToolNames lists the tool names used in the history, in first-use order. */
export function historyToolNames(messages: readonly ConverseMessage[]): string[] {
  const names = new Set<string>()
  for (const message of messages) {
    for (const block of message.content) if ('toolUse' in block) names.add(block.toolUse.name)
  }
  return [...names]
}

/** historyHasToolBlocks tells whether Bedrock will insist on a toolConfig. */
export function historyHasToolBlocks(messages: readonly ConverseMessage[]): boolean {
  return messages.some((message) =>
    message.content.some((block) => 'toolUse' in block || 'toolResult' in block),
  )
}
