// Server-sent events for OpenAI streaming responses, layer 4 of 4 of our streaming.
// References: https://html.spec.whatwg.org/multipage/server-sent-events.html and
// https://platform.openai.com/docs/api-reference/chat-streaming; the error event follows what the
// `openai` npm SDK (6.x, core/streaming.ts) turns into an APIError: a data line whose JSON has an
// `error` key. Some other gateways end such a stream with a clean stop or `[DONE]`, which hides
// the failure from the client; we never do.
//
// Stream contract: chunks as `data: <json>\n\n`, then `data: [DONE]\n\n`. A failure after the
// first byte is exactly one `data: {"error":{...}}\n\n` and the stream closes, with no [DONE].
import type { GatewayError } from '../errors/gateway-error.ts'
import type { ChatCompletionChunk } from '../openai/chat-completions.ts'

export const sseDone = 'data: [DONE]\n\n'

/** A comment line: ignored by clients, keeps idle proxies from closing a slow stream. */
export const sseKeepAlive = ': keep-alive\n\n'

/** sseData encodes one JSON event; JSON.stringify never emits a raw newline, so one line holds it. */
export function sseData(value: unknown): string {
  return `data: ${JSON.stringify(value)}\n\n`
}

/** sseError encodes a mid-stream failure in OpenAI's error shape. */
export function sseError(error: GatewayError): string {
  return sseData(error.toBody())
}

/**
 * How the items of one stream become SSE text. A failure after the first byte cannot change the
 * status any more, so it becomes `error`'s event and the stream closes.
 */
export interface SseEncoding<T> {
  /** The text of one item, or undefined to leave it out. */
  item(item: T): string | undefined
  /** What follows the last item of a clean end, if anything. */
  readonly end: string | undefined
  error(error: GatewayError): string
}

export interface ChatCompletionSseOptions {
  /** `stream_options.include_usage`: forward the final usage chunk (`choices: []`). */
  includeUsage: boolean
}

const isUsageChunk = (chunk: ChatCompletionChunk): boolean =>
  chunk.choices.length === 0 && chunk.usage !== undefined

/** chatCompletionSse encodes chunks as `data:` events and a clean end as `[DONE]`. */
export function chatCompletionSse(
  options: ChatCompletionSseOptions,
): SseEncoding<ChatCompletionChunk> {
  return {
    item: (chunk) => (isUsageChunk(chunk) && !options.includeUsage ? undefined : sseData(chunk)),
    end: sseDone,
    error: sseError,
  }
}
