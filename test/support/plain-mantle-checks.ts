// The request bodies the plain Mantle stand-in (plain-mantle.ts) accepts, from OpenAI's public API
// reference, which Mantle follows ("Create chat completion", "Create a model response", "Create
// embeddings"); each refusal is what OpenAI answers, a 400 `invalid_request_error` with the
// member at fault as `param`:
// - a member the reference does not list: "Unrecognized request argument supplied: <name>";
// - `model` required; chat `messages` a non-empty array of messages whose roles and content parts
//   are the documented ones, `tool` messages answering a tool call of the assistant turn before
//   them, and every tool call of an assistant turn answered before the next non-tool message;
// - `stream_options` only with `stream: true`;
// - Responses `input` a string or documented items, a `function_call_output` answering a
//   `function_call` of the same input (unless it continues `previous_response_id`);
// - embeddings `input` a non-empty string, or 1 to 2048 non-empty strings or token arrays,
//   `encoding_format` float or base64, `dimensions` a positive integer.
import { isObject } from './plain-aws-error.ts'

/** An OpenAI-shaped refusal: `{"error": {message, type, param, code}}` with its status. */
export class OpenAIError extends Error {
  readonly status: number
  readonly type: string
  readonly param: string | null
  readonly code: string | null
  constructor(
    status: number,
    type: string,
    message: string,
    param: string | null,
    code: string | null,
  ) {
    super(message)
    this.status = status
    this.type = type
    this.param = param
    this.code = code
  }
}

export const invalid = (message: string, param: string | null = null, code: string | null = null) =>
  new OpenAIError(400, 'invalid_request_error', message, param, code)

const chatMembers = new Set([
  'model',
  'messages',
  'audio',
  'frequency_penalty',
  'function_call',
  'functions',
  'logit_bias',
  'logprobs',
  'max_completion_tokens',
  'max_tokens',
  'metadata',
  'modalities',
  'n',
  'parallel_tool_calls',
  'prediction',
  'presence_penalty',
  'prompt_cache_key',
  'reasoning_effort',
  'response_format',
  'safety_identifier',
  'seed',
  'service_tier',
  'stop',
  'store',
  'stream',
  'stream_options',
  'temperature',
  'tool_choice',
  'tools',
  'top_logprobs',
  'top_p',
  'user',
  'verbosity',
  'web_search_options',
])
const responsesMembers = new Set([
  'model',
  'input',
  'background',
  'conversation',
  'include',
  'instructions',
  'max_output_tokens',
  'max_tool_calls',
  'metadata',
  'parallel_tool_calls',
  'previous_response_id',
  'prompt',
  'prompt_cache_key',
  'reasoning',
  'safety_identifier',
  'service_tier',
  'store',
  'stream',
  'stream_options',
  'temperature',
  'text',
  'tool_choice',
  'tools',
  'top_logprobs',
  'top_p',
  'truncation',
  'user',
])
const embeddingsMembers = new Set(['model', 'input', 'dimensions', 'encoding_format', 'user'])

const partTypes: Readonly<Record<string, ReadonlySet<string>>> = {
  system: new Set(['text']),
  developer: new Set(['text']),
  user: new Set(['text', 'image_url', 'input_audio', 'file']),
  assistant: new Set(['text', 'refusal']),
  tool: new Set(['text']),
}
const toolNamePattern = /^[a-zA-Z0-9_-]{1,64}$/

function onlyMembers(body: Record<string, unknown>, members: ReadonlySet<string>): void {
  for (const key of Object.keys(body))
    if (!members.has(key)) throw invalid(`Unrecognized request argument supplied: ${key}`)
}

function checkModelAndStream(body: Record<string, unknown>): void {
  if (typeof body['model'] !== 'string' || body['model'] === '')
    throw invalid('You must provide a model parameter.', 'model')
  if (body['stream'] !== undefined && typeof body['stream'] !== 'boolean')
    throw invalid(`Invalid type for 'stream': expected a boolean.`, 'stream', 'invalid_type')
  if (body['stream_options'] !== undefined && body['stream_options'] !== null) {
    if (body['stream'] !== true)
      throw invalid(
        "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
        'stream_options',
      )
    if (!isObject(body['stream_options']))
      throw invalid(`Invalid type for 'stream_options'.`, 'stream_options', 'invalid_type')
  }
}

function checkContent(role: string, content: unknown, where: string): void {
  if (typeof content === 'string') return
  if (!Array.isArray(content))
    throw invalid(`Invalid type for '${where}.content'.`, `${where}.content`, 'invalid_type')
  content.forEach((part, index) => {
    const type = isObject(part) ? part['type'] : undefined
    if (typeof type !== 'string' || partTypes[role]?.has(type) !== true)
      throw invalid(
        `Invalid value: '${String(type)}'. Supported values are: ${[...(partTypes[role] ?? [])].map((value) => `'${value}'`).join(', ')}.`,
        `${where}.content[${String(index)}].type`,
        'invalid_value',
      )
    if (type === 'text' && typeof (part as Record<string, unknown>)['text'] !== 'string')
      throw invalid(`Missing required parameter: '${where}.content[${String(index)}].text'.`)
  })
}

function toolCallIds(message: Record<string, unknown>, where: string): string[] {
  const calls = message['tool_calls']
  if (calls === undefined || calls === null) return []
  if (!Array.isArray(calls)) throw invalid(`Invalid type for '${where}.tool_calls'.`)
  return calls.map((call, index) => {
    const fn = isObject(call) ? call['function'] : undefined
    if (!isObject(call) || typeof call['id'] !== 'string' || !isObject(fn))
      throw invalid(`Invalid '${where}.tool_calls[${String(index)}]'.`)
    if (typeof fn['name'] !== 'string' || typeof fn['arguments'] !== 'string')
      throw invalid(
        `Missing required parameter: '${where}.tool_calls[${String(index)}].function.arguments'.`,
      )
    return call['id']
  })
}

/** checkChatBody throws the OpenAIError OpenAI answers for a body it refuses. */
export function checkChatBody(body: Record<string, unknown>): void {
  onlyMembers(body, chatMembers)
  checkModelAndStream(body)
  const messages = body['messages']
  if (!Array.isArray(messages) || messages.length === 0)
    throw invalid(
      "Invalid 'messages': empty array. Expected an array with minimum length 1.",
      'messages',
      'empty_array',
    )
  let pending: string[] = []
  messages.forEach((message, index) => {
    const where = `messages[${String(index)}]`
    if (!isObject(message)) throw invalid(`Invalid type for '${where}'.`, where, 'invalid_type')
    const role = message['role']
    if (typeof role !== 'string' || partTypes[role] === undefined)
      throw invalid(
        `Invalid value: '${String(role)}'. Supported values are: 'system', 'assistant', 'user', 'tool', 'function' and 'developer'.`,
        `${where}.role`,
        'invalid_value',
      )
    if (role === 'tool') {
      const id = message['tool_call_id']
      if (typeof id !== 'string' || !pending.includes(id))
        throw invalid(
          "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
          `${where}.role`,
        )
      pending = pending.filter((pendingId) => pendingId !== id)
    } else if (pending.length > 0)
      throw invalid(
        `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${pending.join(', ')}`,
        'messages',
      )
    const calls = role === 'assistant' ? toolCallIds(message, where) : []
    const content = message['content']
    if (!(role === 'assistant' && (content === null || content === undefined)))
      checkContent(role, content, where)
    if (role !== 'tool') pending = calls
  })
  const tools = body['tools']
  if (tools !== undefined && Array.isArray(tools))
    tools.forEach((tool, index) => {
      const fn = isObject(tool) ? tool['function'] : undefined
      const name = isObject(fn) ? fn['name'] : undefined
      if (typeof name !== 'string' || !toolNamePattern.test(name))
        throw invalid(
          `Invalid 'tools[${String(index)}].function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`,
          `tools[${String(index)}].function.name`,
          'invalid_value',
        )
    })
}

const itemTypes = new Set([
  'message',
  'function_call',
  'function_call_output',
  'reasoning',
  'item_reference',
])
const inputPartTypes = new Set(['input_text', 'input_image', 'input_file'])
const outputPartTypes = new Set(['output_text', 'refusal'])

/** checkResponsesBody throws the OpenAIError OpenAI answers for a body it refuses. */
export function checkResponsesBody(body: Record<string, unknown>): void {
  onlyMembers(body, responsesMembers)
  checkModelAndStream(body)
  const input = body['input']
  if (typeof input === 'string' || input === undefined) return
  if (!Array.isArray(input)) throw invalid(`Invalid type for 'input'.`, 'input', 'invalid_type')
  const calls = new Set<string>()
  input.forEach((item, index) => {
    const where = `input[${String(index)}]`
    if (!isObject(item)) throw invalid(`Invalid type for '${where}'.`, where, 'invalid_type')
    const type = item['type'] ?? 'message'
    if (typeof type !== 'string' || !itemTypes.has(type))
      throw invalid(`Invalid value: ${JSON.stringify(type)}.`, `${where}.type`, 'invalid_value')
    if (type === 'function_call' && typeof item['call_id'] === 'string') calls.add(item['call_id'])
    if (type === 'function_call_output') {
      const id = item['call_id']
      if (typeof id !== 'string' || (!calls.has(id) && body['previous_response_id'] == null))
        throw invalid(
          `No tool call found for function call output with call_id ${String(id)}.`,
          'input',
        )
    }
    if (type !== 'message') return
    const role = item['role']
    if (role !== 'user' && role !== 'assistant' && role !== 'system' && role !== 'developer')
      throw invalid(`Invalid value: '${String(role)}'.`, `${where}.role`, 'invalid_value')
    const content = item['content']
    if (typeof content === 'string') return
    if (!Array.isArray(content)) throw invalid(`Invalid type for '${where}.content'.`)
    const allowed = role === 'assistant' ? outputPartTypes : inputPartTypes
    content.forEach((part, partIndex) => {
      const partType = isObject(part) ? part['type'] : undefined
      if (typeof partType !== 'string' || !allowed.has(partType))
        throw invalid(
          `Invalid value: '${String(partType)}'. Supported values are: ${[...allowed].map((value) => `'${value}'`).join(', ')}.`,
          `${where}.content[${String(partIndex)}].type`,
          'invalid_value',
        )
    })
  })
}

const isTokens = (value: unknown): boolean =>
  Array.isArray(value) && value.length > 0 && value.every((token) => Number.isInteger(token))

/** checkEmbeddingsBody throws the OpenAIError OpenAI answers for a body it refuses. */
export function checkEmbeddingsBody(body: Record<string, unknown>): void {
  onlyMembers(body, embeddingsMembers)
  if (typeof body['model'] !== 'string' || body['model'] === '')
    throw invalid('You must provide a model parameter.', 'model')
  const input = body['input']
  const valid =
    (typeof input === 'string' && input !== '') ||
    isTokens(input) ||
    (Array.isArray(input) &&
      input.length > 0 &&
      input.length <= 2048 &&
      input.every((entry) => (typeof entry === 'string' && entry !== '') || isTokens(entry)))
  if (!valid) throw invalid("'$.input' is invalid. Please check the API reference.", 'input')
  const format = body['encoding_format']
  if (format !== undefined && format !== 'float' && format !== 'base64')
    throw invalid(`Invalid value: ${JSON.stringify(format)}.`, 'encoding_format', 'invalid_value')
  const dimensions = body['dimensions']
  if (dimensions !== undefined && (!Number.isInteger(dimensions) || (dimensions as number) < 1))
    throw invalid(`Invalid 'dimensions'.`, 'dimensions', 'invalid_value')
}
