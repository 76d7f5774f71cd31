// OpenAI Responses request → Bedrock Converse request, by way of the Chat Completions request the
// openai-to-converse translator already maps: input items become chat messages, function tools
// chat tools, and the rest of the mapping (images, tool config, reasoning budgets, refusals) is
// that translator's, tested there. Pure: no I/O, clock or ids.
// References: https://platform.openai.com/docs/api-reference/responses/create and
// https://platform.openai.com/docs/guides/migrate-to-responses (item ↔ message correspondence).
import { GatewayError } from '../../errors/gateway-error.ts'
import type { ChatCompletionRequest, ChatMessage } from '../../openai/chat-completions.ts'
import type { UserContentPart } from '../../openai/chat-messages.ts'
import type { ResponseFormat, Tool, ToolChoice } from '../../openai/chat-tools.ts'
import type {
  ResponsesInputItem,
  ResponsesRequest,
  ResponsesTextFormat,
  ResponsesTool,
} from '../../openai/responses.ts'
import type { ConverseRequest } from '../../upstream/converse-shapes.ts'
import { toConverseRequest, type ConverseRequestContext } from '../openai-to-converse/request.ts'
import { invalidRequest } from '../../errors/catalogue.ts'

type MessageItem = Extract<ResponsesInputItem, { role: string }>
type MessagePart = Exclude<MessageItem['content'], string>[number]

// Converse keeps nothing between calls, so a response cannot be stored or continued from.
function refuseServerState(request: ResponsesRequest): void {
  if (request.previous_response_id != null) {
    throw invalidRequest(
      "'previous_response_id' is not supported on this model: its Bedrock Converse backend stores no responses. Send the whole conversation in 'input' instead.",
      'previous_response_id',
      'unsupported_parameter',
    )
  }
  if (request.background === true) {
    throw invalidRequest(
      "'background: true' is not supported on this model: its Bedrock Converse backend answers while the request waits. Leave 'background' out or set it to false.",
      'background',
      'unsupported_parameter',
    )
  }
  if (request.include?.includes('message.output_text.logprobs') === true) {
    throw invalidRequest(
      "Unsupported value: 'message.output_text.logprobs' in 'include' is not supported with this model: Bedrock Converse returns no log probabilities.",
      'include',
      'unsupported_value',
    )
  }
  if (request.store === true) {
    throw invalidRequest(
      "'store: true' is not supported on this model: its Bedrock Converse backend stores no responses. Leave 'store' out or set it to false.",
      'store',
      'unsupported_parameter',
    )
  }
}

function toChatTools(tools: readonly ResponsesTool[]): Tool[] {
  return tools.map((tool, index) => {
    if (tool.type !== 'function' || !('name' in tool) || typeof tool.name !== 'string') {
      throw invalidRequest(
        `Tool type '${tool.type}' is not supported by this gateway; only 'function' tools are.`,
        `tools[${index}].type`,
        'unsupported_value',
      )
    }
    const fn: Tool & { type: 'function' } = { type: 'function', function: { name: tool.name } }
    if (typeof tool.description === 'string') fn.function.description = tool.description
    if (tool.parameters != null && typeof tool.parameters === 'object')
      fn.function.parameters = tool.parameters as Record<string, unknown>
    if (typeof tool.strict === 'boolean') fn.function.strict = tool.strict
    return fn
  })
}

function toChatToolChoice(choice: ResponsesRequest['tool_choice']): ToolChoice | undefined {
  if (choice === undefined || typeof choice === 'string') return choice
  return { type: 'function', function: { name: choice.name } }
}

// The Responses API puts the json_schema fields on `text.format` itself; Chat Completions nests them
// under `response_format.json_schema`.
function toChatResponseFormat(format: ResponsesTextFormat): ResponseFormat {
  if (format.type !== 'json_schema') return { type: format.type }
  const { name, schema, description, strict } = format
  return {
    type: 'json_schema',
    json_schema: {
      name,
      schema,
      ...(description === undefined ? {} : { description }),
      ...(strict == null ? {} : { strict }),
    },
  }
}

function textOf(parts: readonly MessagePart[], param: string): string {
  return parts
    .map((part, index) => {
      if (part.type === 'input_text' || part.type === 'output_text') return part.text
      if (part.type === 'refusal') return part.refusal
      throw invalidRequest(
        `Only text is allowed in this message, not '${part.type}'.`,
        `${param}[${index}]`,
        'invalid_value',
      )
    })
    .join('')
}

function userPart(part: MessagePart, param: string): UserContentPart {
  switch (part.type) {
    case 'input_text':
    case 'output_text':
      return { type: 'text', text: part.text }
    case 'refusal':
      return { type: 'text', text: part.refusal }
    case 'input_image':
      if (part.image_url == null) {
        throw invalidRequest(
          'Images by file_id are not supported by this gateway; send image_url (a data URL).',
          `${param}.file_id`,
          'unsupported_value',
        )
      }
      return { type: 'image_url', image_url: { url: part.image_url, detail: part.detail } }
    case 'input_file':
      if (part.file_url !== undefined) {
        throw invalidRequest(
          "Files by URL are not supported by this gateway; send the file inline in 'file_data' (a data URL).",
          `${param}.file_url`,
          'unsupported_value',
        )
      }
      return {
        type: 'file',
        file: {
          ...(part.file_data === undefined ? {} : { file_data: part.file_data }),
          ...(part.file_id == null ? {} : { file_id: part.file_id }),
          ...(part.filename === undefined ? {} : { filename: part.filename }),
        },
      }
  }
}

function messageOf(item: MessageItem, param: string): ChatMessage {
  const content = item.content
  const partsParam = `${param}.content`
  switch (item.role) {
    case 'user':
      return {
        role: 'user',
        content:
          typeof content === 'string'
            ? content
            : content.map((part, index) => userPart(part, `${partsParam}[${index}]`)),
      }
    case 'assistant':
      return {
        role: 'assistant',
        content: typeof content === 'string' ? content : textOf(content, partsParam),
      }
    case 'system':
    case 'developer':
      return {
        role: item.role,
        content: typeof content === 'string' ? content : textOf(content, partsParam),
      }
  }
}

// Where a chat message came from in the Responses request, so that a 400 about `messages[2]` can
// name what the client sent: `instructions`, `input`, or `input[3]` (and, for an assistant turn
// that gathered several function calls, the item each call came from).
interface MessageOrigin {
  param: string
  tool?: boolean
  calls?: string[]
}

interface ChatConversation {
  messages: ChatMessage[]
  origins: MessageOrigin[]
}

/**
 * chatConversation turns instructions and input items into chat messages. Consecutive function
 * calls join the assistant message before them, as one chat turn with several tool calls.
 * Reasoning items are left out: Converse only takes reasoning back with the signature it issued,
 * which a Responses reasoning item does not carry.
 */
function chatConversation(request: ResponsesRequest): ChatConversation {
  const messages: ChatMessage[] = []
  const origins: MessageOrigin[] = []
  if (request.instructions != null && request.instructions !== '') {
    messages.push({ role: 'system', content: request.instructions })
    origins.push({ param: 'instructions' })
  }
  if (typeof request.input === 'string') {
    if (request.input.trim() === '') {
      throw invalidRequest(
        "Invalid value for 'input': the input is empty; a Bedrock model needs some text to answer.",
        'input',
        'invalid_value',
      )
    }
    messages.push({ role: 'user', content: request.input })
    origins.push({ param: 'input' })
    return { messages, origins }
  }
  for (const [index, item] of request.input.entries()) {
    const param = `input[${index}]`
    if ('role' in item) {
      messages.push(messageOf(item, param))
      origins.push({ param })
      continue
    }
    switch (item.type) {
      case 'function_call': {
        const call = {
          id: item.call_id,
          type: 'function' as const,
          function: { name: item.name, arguments: item.arguments },
        }
        const last = messages.at(-1)
        const origin = origins.at(-1)
        if (last?.role === 'assistant' && origin !== undefined) {
          last.tool_calls = [...(last.tool_calls ?? []), call]
          origin.calls = [...(origin.calls ?? []), param]
        } else {
          messages.push({ role: 'assistant', content: null, tool_calls: [call] })
          origins.push({ param, calls: [param] })
        }
        break
      }
      case 'function_call_output':
        messages.push({
          role: 'tool',
          tool_call_id: item.call_id,
          content:
            typeof item.output === 'string'
              ? item.output
              : item.output.map((part) => ({ type: 'text' as const, text: part.text })),
        })
        origins.push({ param, tool: true })
        break
      case 'reasoning':
        break
    }
  }
  return { messages, origins }
}

/**
 * inputParamOf is the Responses name of a chat path under `messages[N]`, e.g.
 * `messages[2].content[0].image_url` → `input[1].content[0].image_url`; undefined for other paths.
 */
function inputParamOf(param: string, origins: readonly MessageOrigin[]): string | undefined {
  const match = /^messages\[(\d+)\](.*)$/.exec(param)
  const origin = match === null ? undefined : origins[Number(match[1])]
  if (match === null || origin === undefined) return undefined
  const rest = match[2] ?? ''
  // A string `instructions` or `input` has no parts to point into.
  if (!origin.param.startsWith('input[')) return origin.param
  const call = /^\.tool_calls\[(\d+)\](?:\.function)?(.*)$/.exec(rest)
  if (call !== null) {
    const item = origin.calls?.[Number(call[1])]
    return item === undefined ? origin.param : item + (call[2] ?? '')
  }
  if (origin.tool === true) return origin.param + rest.replace(/^\.content/, '.output')
  // A chat file part nests its fields under `file`; a Responses input_file carries them itself.
  return origin.param + rest.replace(/^(\.content\[\d+\])\.file\b/, '$1')
}

/** toChatRequest is the Chat Completions request with the same meaning. */
export function toChatRequest(request: ResponsesRequest): ChatCompletionRequest {
  return chatRequestOf(request).chat
}

function chatRequestOf(request: ResponsesRequest): {
  chat: ChatCompletionRequest
  origins: MessageOrigin[]
} {
  refuseServerState(request)
  const { messages, origins } = chatConversation(request)
  const chat: ChatCompletionRequest = { model: request.model, messages }
  if (request.tools !== undefined && request.tools.length > 0)
    chat.tools = toChatTools(request.tools)
  const toolChoice = toChatToolChoice(request.tool_choice)
  if (toolChoice !== undefined) chat.tool_choice = toolChoice
  if (request.parallel_tool_calls != null) chat.parallel_tool_calls = request.parallel_tool_calls
  if (request.max_output_tokens != null) chat.max_completion_tokens = request.max_output_tokens
  if (request.temperature != null) chat.temperature = request.temperature
  if (request.top_p != null) chat.top_p = request.top_p
  if (request.reasoning?.effort != null) chat.reasoning_effort = request.reasoning.effort
  if (request.text?.format != null) chat.response_format = toChatResponseFormat(request.text.format)
  if (request.text?.verbosity != null) chat.verbosity = request.text.verbosity
  if (request.service_tier != null) chat.service_tier = request.service_tier
  if (request.safety_identifier !== undefined) chat.safety_identifier = request.safety_identifier
  if (request.top_logprobs != null) chat.top_logprobs = request.top_logprobs
  if (request.metadata != null) chat.metadata = request.metadata
  if (request.user !== undefined) chat.user = request.user
  if (request.stream === true) chat.stream = true
  return { chat, origins }
}

// The chat translator names chat parameters in its 400s; a Responses client sent other names.
// Longer chat names first, so `response_format.json_schema` wins over `response_format`.
const responsesParams: readonly (readonly [chat: string, responses: string])[] = [
  ['max_completion_tokens', 'max_output_tokens'],
  ['max_tokens', 'max_output_tokens'],
  ['reasoning_effort', 'reasoning.effort'],
  ['verbosity', 'text.verbosity'],
  ['response_format.json_schema', 'text.format'],
  ['response_format', 'text.format'],
  ['messages', 'input'],
]

/** responsesParamOf is the Responses name of a chat parameter path, if it has another. */
function responsesParamOf(param: string, origins: readonly MessageOrigin[]): string | undefined {
  const input = inputParamOf(param, origins)
  if (input !== undefined) return input
  for (const [chat, responses] of responsesParams) {
    if (param === chat || param.startsWith(`${chat}.`)) return responses + param.slice(chat.length)
  }
  return undefined
}

/** toConverseRequestFromResponses composes the two steps above with the chat translator. */
export function toConverseRequestFromResponses(
  request: ResponsesRequest,
  context: ConverseRequestContext,
): ConverseRequest {
  const { chat, origins } = chatRequestOf(request)
  try {
    return toConverseRequest(chat, context)
  } catch (error) {
    const to =
      error instanceof GatewayError ? responsesParamOf(error.param ?? '', origins) : undefined
    if (!(error instanceof GatewayError) || to === undefined) throw error
    // The text may quote a path other than `param` (its parent part, say): each is renamed.
    let message = error.message
      .replaceAll(`'${error.param ?? ''}'`, `'${to}'`)
      .replace(/'(messages\[\d+\][^']*)'/g, (quoted, path: string) => {
        const renamed = inputParamOf(path, origins)
        return renamed === undefined ? quoted : `'${renamed}'`
      })
    for (const [chat, responses] of responsesParams)
      message = message.replaceAll(`'${chat}'`, `'${responses}'`)
    throw error.retold(message, to)
  }
}
