// Server-sent events for OpenAI streaming responses, layer 4 of 4 of our streaming.
// References: https://html.spec.whatwg.org/multipage/server-sent-events.html and
// https://platform.openai.com/docs/api-reference/chat-streaming; the error event follows what the
// `openai` npm SDK (6.x, core/streaming.ts) turns into an APIError: a data line whose JSON has an
// `error` key. See gateway-peers.md §7a: peers that end such a stream with a clean stop or
// `[DONE]` hide the failure from the client.
//
// Stream contract: chunks as `data: <json>\n\n`, then `data: [DONE]\n\n`. A failure after the
// first byte is exactly one `data: {"error":{...}}\n\n` and the stream closes, with no [DONE].
import { asGatewayError, type GatewayError } from '../errors/gateway-error.ts'
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

export interface ChatCompletionSseOptions {
  /** `stream_options.include_usage`: forward the final usage chunk (`choices: []`). */
  includeUsage: boolean
}

const isUsageChunk = (chunk: ChatCompletionChunk): boolean =>
  chunk.choices.length === 0 && chunk.usage !== undefined

/**
 * toChatCompletionSse encodes a chunk stream as SSE text. It never throws: a failure becomes the
 * final error event. An HTTP layer that wants a real HTTP error for failures before the first
 * chunk pulls the first chunk itself before committing to a 200.
 */
export async function* toChatCompletionSse(
  chunks: AsyncIterable<ChatCompletionChunk>,
  options: ChatCompletionSseOptions,
): AsyncGenerator<string> {
  try {
    for await (const chunk of chunks) {
      if (isUsageChunk(chunk) && !options.includeUsage) continue
      yield sseData(chunk)
    }
  } catch (error) {
    yield sseError(asGatewayError(error))
    return
  }
  yield sseDone
}

/**
 * withKeepAlive interleaves `keepAlive` whenever `source` is silent for `intervalMs`, without
 * losing or reordering the source's items. Stopping the consumer stops the source.
 */
export async function* withKeepAlive<T>(
  source: AsyncIterable<T>,
  intervalMs: number,
  keepAlive: T,
): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]()
  const tick: unique symbol = Symbol('tick')
  let pending: Promise<IteratorResult<T>> | undefined
  // One timer for the whole stream, re-armed per item: a fresh AbortController and timer per
  // chunk cost a tenth of the gateway's CPU on streams (aborting builds a DOMException each time).
  let wake: ((value: typeof tick) => void) | undefined
  const timer = setTimeout(() => wake?.(tick), intervalMs)
  timer.unref()
  try {
    for (;;) {
      pending ??= iterator.next()
      timer.refresh()
      const silence = new Promise<typeof tick>((resolve) => {
        wake = resolve
      })
      const winner = await Promise.race([pending, silence])
      wake = undefined
      if (typeof winner === 'symbol') {
        yield keepAlive
        continue
      }
      pending = undefined
      if (winner.done === true) return
      yield winner.value
    }
  } finally {
    clearTimeout(timer)
    if (pending === undefined) await iterator.return?.()
    else {
      // The source is mid-step; its return() would queue behind that step, so do not wait on it.
      pending.catch(() => undefined)
      void iterator.return?.().catch(() => undefined)
    }
  }
}
