// Bedrock Converse response → OpenAI Response object.
// References: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html
// (summary in docs/reference/bedrock-runtime.md) and
// https://platform.openai.com/docs/api-reference/responses/object.
//
// Item ids are derived from the response id the caller made (`msg_<id>_<n>`, …), so the
// translator stays pure and the ids are still unique per response.
import type {
  ResponseObject,
  ResponseOutputItem,
  ResponseReasoningItem,
  ResponseStatus,
  ResponseUsage,
  ResponsesRequest,
} from '../../openai/responses.ts'
import type { ConverseResponse, ConverseUsage } from '../../upstream/converse-shapes.ts'
import { finishReasonOf } from '../openai-to-converse/finish-reason.ts'
import { toCompletionUsage } from '../openai-to-converse/usage.ts'

export interface ResponsesResponseContext {
  /** The `resp_…` id, made by the caller. */
  id: string
  /** Unix seconds, read by the caller. */
  createdAt: number
  /** The alias the client sent, echoed as `model`. */
  model: string
  /** The validated request: the Response object echoes its settings. */
  request: ResponsesRequest
}

export type ItemKind = 'msg' | 'fc' | 'rs'

/**
 * summarised says whether reasoning goes out as a summary (`reasoning.summary` asked for one) or as
 * reasoning text. Claude 4 models on Bedrock already return a summary of their thinking, not the
 * thinking itself, so it is the honest answer to a summary request.
 */
export function summarised(context: ResponsesResponseContext): boolean {
  return context.request.reasoning?.summary != null
}

/** reasoningItem is a finished reasoning item, its text as summary or content (see summarised). */
export function reasoningItem(
  context: ResponsesResponseContext,
  id: string,
  text: string,
): ResponseReasoningItem {
  return summarised(context)
    ? { id, type: 'reasoning', summary: [{ type: 'summary_text', text }], content: [] }
    : { id, type: 'reasoning', summary: [], content: [{ type: 'reasoning_text', text }] }
}

/** itemId names the output item at `outputIndex`. */
export function itemId(context: ResponsesResponseContext, kind: ItemKind, outputIndex: number) {
  return `${kind}_${context.id.replace(/^resp_/, '')}_${outputIndex}`
}

/**
 * toResponseUsage reuses the chat mapping (cached tokens counted inside the input, as OpenAI
 * does). Converse reports no separate reasoning count, and the field is required, so it is 0.
 */
export function toResponseUsage(usage: ConverseUsage): ResponseUsage {
  const chat = toCompletionUsage(usage)
  return {
    input_tokens: chat.prompt_tokens,
    input_tokens_details: { cached_tokens: chat.prompt_tokens_details?.cached_tokens ?? 0 },
    output_tokens: chat.completion_tokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: chat.total_tokens,
  }
}

/** statusOf maps a stop reason; malformed_* reasons throw (see finish-reason.ts). */
export function statusOf(
  stopReason: string,
): Pick<ResponseObject, 'status' | 'incomplete_details'> {
  switch (finishReasonOf(stopReason)) {
    case 'length':
      return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } }
    case 'content_filter':
      return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } }
    default:
      return { status: 'completed', incomplete_details: null }
  }
}

export interface ResponseState {
  status: ResponseStatus
  incomplete_details: ResponseObject['incomplete_details']
  output: ResponseOutputItem[]
  usage: ResponseUsage | null
}

/** responseObject is the Response envelope around `state`, echoing the request's settings. */
export function responseObject(
  context: ResponsesResponseContext,
  state: ResponseState,
): ResponseObject {
  const { request } = context
  const response: ResponseObject = {
    id: context.id,
    object: 'response',
    created_at: context.createdAt,
    status: state.status,
    error: null,
    incomplete_details: state.incomplete_details,
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    model: context.model,
    output: state.output,
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: null,
    reasoning: {
      effort: request.reasoning?.effort ?? null,
      summary: request.reasoning?.summary ?? null,
    },
    store: false,
    temperature: request.temperature ?? null,
    text: { format: request.text?.format ?? { type: 'text' } },
    tool_choice: request.tool_choice ?? 'auto',
    tools: request.tools ?? [],
    top_p: request.top_p ?? null,
    truncation: 'disabled',
    usage: state.usage,
    metadata: request.metadata ?? {},
  }
  if (request.user !== undefined) response.user = request.user
  return response
}

function outputOf(response: ConverseResponse, context: ResponsesResponseContext) {
  const output: ResponseOutputItem[] = []
  let text: string | undefined
  let reasoning: string | undefined
  const calls: ResponseOutputItem[] = []
  for (const block of response.output?.message?.content ?? []) {
    if (typeof block.text === 'string') text = (text ?? '') + block.text
    const reasoningText = block.reasoningContent?.reasoningText
    if (reasoningText != null) reasoning = (reasoning ?? '') + reasoningText.text
    const use = block.toolUse
    if (use != null) {
      calls.push({
        id: '',
        type: 'function_call',
        status: 'completed',
        call_id: use.toolUseId,
        name: use.name,
        arguments: JSON.stringify(use.input ?? {}),
      })
    }
  }
  // Reasoning comes first, as it does in OpenAI's answers and in the stream.
  if (reasoning !== undefined) {
    output.push(reasoningItem(context, itemId(context, 'rs', output.length), reasoning))
  }
  if (text !== undefined) {
    output.push({
      id: itemId(context, 'msg', output.length),
      type: 'message',
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text, annotations: [], logprobs: [] }],
    })
  }
  for (const call of calls) output.push({ ...call, id: itemId(context, 'fc', output.length) })
  return output
}

/** toResponse maps a Converse response; a malformed_* stop reason throws a GatewayError. */
export function toResponse(
  response: ConverseResponse,
  context: ResponsesResponseContext,
): ResponseObject {
  return responseObject(context, {
    ...statusOf(response.stopReason),
    output: outputOf(response, context),
    usage: toResponseUsage(response.usage),
  })
}
