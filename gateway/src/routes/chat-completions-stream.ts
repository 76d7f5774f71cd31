// The SSE answer of a streaming chat completion.
// Reference: https://platform.openai.com/docs/api-reference/chat-streaming
//
// The first chunk is awaited before any byte is sent, so a failure before it (throttling, a bad
// model id) is still an ordinary HTTP error with a faithful status. After that the status is 200
// for good: streaming/sse.ts turns a later failure into one OpenAI-shaped error event, which
// OpenAI SDKs raise as an APIError rather than mistaking it for a clean end.
import type { Logger } from '../app-logger.ts'
import { asGatewayError } from '../errors/gateway-error.ts'
import type { ChatCompletionChunk } from '../openai/chat-completions.ts'
import { sseKeepAlive, toChatCompletionSse, withKeepAlive } from '../streaming/sse.ts'
import type { UpstreamCall } from './upstream-call.ts'

export interface StreamChatCompletionOptions {
  chunks: AsyncIterable<ChatCompletionChunk>
  call: UpstreamCall
  /** `stream_options.include_usage`: only then does the final usage chunk reach the client. */
  includeUsage: boolean
  keepAliveMs: number
  logger: Logger
}

const sseHeaders = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache',
  // Reverse proxies such as nginx buffer responses unless told otherwise.
  'X-Accel-Buffering': 'no',
}

// The chunks again, with the one already taken put back in front, and failures logged on their
// way to becoming an error event.
async function* resumed(
  first: IteratorResult<ChatCompletionChunk>,
  rest: AsyncIterator<ChatCompletionChunk>,
  logger: Logger,
): AsyncGenerator<ChatCompletionChunk> {
  if (first.done === true) return
  yield first.value
  try {
    for (let next = await rest.next(); next.done !== true; next = await rest.next())
      yield next.value
  } catch (error) {
    const gatewayError = asGatewayError(error)
    logger.warn('stream failed after it started', {
      status: gatewayError.status,
      upstreamType: gatewayError.upstreamType,
      error: gatewayError.message,
    })
    throw gatewayError
  } finally {
    await rest.return?.()
  }
}

export async function streamChatCompletion(
  options: StreamChatCompletionOptions,
): Promise<Response> {
  const { call } = options
  const iterator = options.chunks[Symbol.asyncIterator]()
  let first: IteratorResult<ChatCompletionChunk>
  try {
    first = await iterator.next()
  } catch (error) {
    call.release()
    throw call.explain(error)
  }
  // The route's timeout bounds the wait for the model to start, not the length of its answer.
  call.clearTimeout()
  const chunks = resumed(first, iterator, options.logger)
  const events = withKeepAlive(
    toChatCompletionSse(chunks, { includeUsage: options.includeUsage }),
    options.keepAliveMs,
    sseKeepAlive,
  )
  const encoder = new TextEncoder()

  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await events.next()
      if (next.done === true) {
        controller.close()
        call.release()
      } else {
        controller.enqueue(encoder.encode(next.value))
      }
    },
    async cancel(reason) {
      // The client went away. Abort first: the generators may be waiting on the upstream, and
      // return() would queue behind that wait.
      call.abort(reason)
      await events.return(undefined).catch(() => undefined)
    },
  })
  return new Response(body, { status: 200, headers: sseHeaders })
}
