// OpenAI-shaped answers for the plain Mantle stand-in (plain-mantle.ts), from OpenAI's API
// reference, which Mantle follows:
// - the chat completion object, and `chat.completion.chunk` server-sent events ending with
//   `data: [DONE]`: the first chunk carries `role`, the last content chunk `finish_reason`; with
//   `stream_options.include_usage` every chunk has `usage: null` and one more chunk with
//   `choices: []` carries the usage, without it no chunk has usage at all;
// - the Response object, and the Responses stream: typed events (`event: <type>` and
//   `data: {..., "type", "sequence_number"}`) from `response.created` to `response.completed`,
//   with no `[DONE]`;
// - the embeddings list, floats or base64 little-endian float32 as `encoding_format` asks;
// - errors `{"error": {message, type, param, code}}`, and a failure after a 200 as one
//   `data: {"error": ...}` event and no `[DONE]`.
// Whether to stream is read from the request, so one scripted answer serves both. Fields a client
// must ignore are added on purpose (`obfuscation`, `service_tier`, `system_fingerprint`,
// `provider_info`).
import type { MantleReply, MantleRequest, MantleScript } from './plain-mantle.ts'

export interface ChatUsage {
  prompt: number
  completion: number
  cached?: number
}

export interface ChatAnswer {
  pieces: string[]
  finishReason: 'stop' | 'length' | 'tool_calls' | 'content_filter'
  usage: ChatUsage
  toolCall?: { id: string; name: string; arguments: string }
  /** A failure event after the pieces, in place of the end of the stream. */
  failure?: { message: string; type: string; code: string | null }
}

let serial = 0
const nextId = (prefix: string): string => {
  serial += 1
  return `${prefix}${String(serial).padStart(6, '0')}plain`
}
const created = (): number => Math.floor(Date.now() / 1000)

const chatUsage = (usage: ChatUsage) => ({
  prompt_tokens: usage.prompt,
  completion_tokens: usage.completion,
  total_tokens: usage.prompt + usage.completion,
  prompt_tokens_details: { cached_tokens: usage.cached ?? 0, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
})

const data = (payload: unknown): string => `data: ${JSON.stringify(payload)}\n\n`

function chatJson(request: MantleRequest, answer: ChatAnswer): MantleReply {
  const toolCalls =
    answer.toolCall === undefined
      ? {}
      : {
          tool_calls: [
            {
              id: answer.toolCall.id,
              type: 'function',
              function: { name: answer.toolCall.name, arguments: answer.toolCall.arguments },
            },
          ],
        }
  return {
    kind: 'json',
    body: {
      id: nextId('chatcmpl-'),
      object: 'chat.completion',
      created: created(),
      model: request.model,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: answer.pieces.length === 0 ? null : answer.pieces.join(''),
            refusal: null,
            annotations: [],
            ...toolCalls,
          },
          logprobs: null,
          finish_reason: answer.finishReason,
        },
      ],
      usage: chatUsage(answer.usage),
      service_tier: 'default',
      system_fingerprint: null,
      provider_info: { region: 'us-east-1', engine: 'plain' },
    },
  }
}

function chatStream(request: MantleRequest, answer: ChatAnswer): MantleReply {
  const options = request.body['stream_options']
  const withUsage =
    typeof options === 'object' && options !== null && 'include_usage' in options
      ? options.include_usage === true
      : false
  const id = nextId('chatcmpl-')
  const at = created()
  const chunk = (delta: Record<string, unknown>, finishReason: string | null) => ({
    id,
    object: 'chat.completion.chunk',
    created: at,
    model: request.model,
    service_tier: 'default',
    system_fingerprint: null,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(withUsage ? { usage: null } : {}),
    obfuscation: 'x'.repeat(1 + (serial % 7)),
  })
  let text = data(chunk({ role: 'assistant', content: '', refusal: null }, null))
  for (const piece of answer.pieces) text += data(chunk({ content: piece }, null))
  if (answer.toolCall !== undefined)
    text += data(
      chunk(
        {
          tool_calls: [
            {
              index: 0,
              id: answer.toolCall.id,
              type: 'function',
              function: { name: answer.toolCall.name, arguments: answer.toolCall.arguments },
            },
          ],
        },
        null,
      ),
    )
  if (answer.failure !== undefined) {
    const { message, type, code } = answer.failure
    return { kind: 'sse', text: text + data({ error: { message, type, param: null, code } }) }
  }
  text += data(chunk({}, answer.finishReason))
  if (withUsage)
    text += data({
      id,
      object: 'chat.completion.chunk',
      created: at,
      model: request.model,
      choices: [],
      usage: chatUsage(answer.usage),
      obfuscation: 'yy',
    })
  return { kind: 'sse', text: `${text}data: [DONE]\n\n` }
}

/** A chat answer, as JSON or as a stream as the request asks. */
export function chatAnswer(answer: ChatAnswer): MantleScript {
  return (request) =>
    request.body['stream'] === true ? chatStream(request, answer) : chatJson(request, answer)
}

export interface ResponsesAnswer {
  pieces: string[]
  usage: { input: number; output: number }
  /** OpenAI's `error` event after the deltas, in place of the end of the stream. */
  failure?: { message: string; code: string }
}

function responseObject(
  request: MantleRequest,
  id: string,
  status: 'in_progress' | 'completed',
  answer: ResponsesAnswer,
): Record<string, unknown> {
  const text = answer.pieces.join('')
  const done = status === 'completed'
  return {
    id,
    object: 'response',
    created_at: created(),
    status,
    background: false,
    error: null,
    incomplete_details: null,
    instructions: request.body['instructions'] ?? null,
    max_output_tokens: request.body['max_output_tokens'] ?? null,
    model: request.model,
    output: done
      ? [
          {
            id: 'msg_plain1',
            type: 'message',
            status: 'completed',
            role: 'assistant',
            content: [{ type: 'output_text', text, annotations: [], logprobs: [] }],
          },
        ]
      : [],
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    service_tier: 'default',
    store: true,
    temperature: 1,
    text: { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: 'auto',
    tools: [],
    top_p: 1,
    truncation: 'disabled',
    usage: done
      ? {
          input_tokens: answer.usage.input,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens: answer.usage.output,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: answer.usage.input + answer.usage.output,
        }
      : null,
    user: null,
    metadata: {},
    provider_info: { region: 'us-east-1' },
  }
}

function responsesStream(request: MantleRequest, answer: ResponsesAnswer): MantleReply {
  const id = nextId('resp_')
  let sequence = 0
  let text = ''
  const event = (type: string, fields: Record<string, unknown>) => {
    text += `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence, ...fields })}\n\n`
    sequence += 1
  }
  const item = { id: 'msg_plain1', type: 'message', role: 'assistant' }
  const at = { item_id: item.id, output_index: 0, content_index: 0 }
  const whole = answer.pieces.join('')
  event('response.created', { response: responseObject(request, id, 'in_progress', answer) })
  event('response.in_progress', { response: responseObject(request, id, 'in_progress', answer) })
  event('response.output_item.added', {
    output_index: 0,
    item: { ...item, status: 'in_progress', content: [] },
  })
  event('response.content_part.added', {
    ...at,
    part: { type: 'output_text', text: '', annotations: [], logprobs: [] },
  })
  for (const delta of answer.pieces)
    event('response.output_text.delta', { ...at, delta, logprobs: [], obfuscation: 'zz' })
  if (answer.failure !== undefined) {
    event('error', { ...answer.failure, param: null })
    return { kind: 'sse', text }
  }
  event('response.output_text.done', { ...at, text: whole, logprobs: [] })
  const part = { type: 'output_text', text: whole, annotations: [], logprobs: [] }
  event('response.content_part.done', { ...at, part })
  event('response.output_item.done', {
    output_index: 0,
    item: { ...item, status: 'completed', content: [part] },
  })
  event('response.completed', { response: responseObject(request, id, 'completed', answer) })
  return { kind: 'sse', text }
}

/** A Responses answer, as JSON or as a stream as the request asks. */
export function responsesAnswer(answer: ResponsesAnswer): MantleScript {
  return (request) =>
    request.body['stream'] === true
      ? responsesStream(request, answer)
      : { kind: 'json', body: responseObject(request, nextId('resp_'), 'completed', answer) }
}

const base64Of = (vector: readonly number[]): string => {
  const bytes = Buffer.alloc(vector.length * 4)
  vector.forEach((value, index) => bytes.writeFloatLE(value, index * 4))
  return bytes.toString('base64')
}

/** An embeddings list, floats or base64 as the request's `encoding_format` asks. */
export function embeddingsAnswer(vectors: number[][], promptTokens: number): MantleScript {
  return (request) => ({
    kind: 'json',
    body: {
      object: 'list',
      data: vectors.map((vector, index) => ({
        object: 'embedding',
        index,
        embedding: request.body['encoding_format'] === 'base64' ? base64Of(vector) : vector,
      })),
      model: request.model,
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    },
  })
}

/** An OpenAI-shaped error answer. */
export function mantleErrorReply(
  status: number,
  type: string,
  message: string,
  more: { code?: string | null; param?: string | null; headers?: Record<string, string> } = {},
): MantleReply {
  return {
    kind: 'error',
    status,
    error: { message, type, param: more.param ?? null, code: more.code ?? null },
    ...(more.headers === undefined ? {} : { headers: more.headers }),
  }
}
