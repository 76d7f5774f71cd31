// The SSE answer of a streaming Response. As in chat-completions-stream.ts, the first event is
// awaited before any byte is sent, so a failure before it is an ordinary HTTP error with a
// faithful status; after it, streaming/responses-sse.ts turns a failure into one `error` event.
import type { Logger } from '../app-logger.ts'
import { asGatewayError } from '../errors/gateway-error.ts'
import type { ResponseStreamEvent } from '../openai/responses.ts'
import { toResponsesSse } from '../streaming/responses-sse.ts'
import { sseKeepAlive, withKeepAlive } from '../streaming/sse.ts'
import type { UpstreamCall } from './upstream-call.ts'

export interface StreamResponseOptions {
  events: AsyncIterable<ResponseStreamEvent>
  call: UpstreamCall
  keepAliveMs: number
  logger: Logger
}

const sseHeaders = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache',
  'X-Accel-Buffering': 'no',
}

async function* resumed(
  first: IteratorResult<ResponseStreamEvent>,
  rest: AsyncIterator<ResponseStreamEvent>,
  logger: Logger,
): AsyncGenerator<ResponseStreamEvent> {
  if (first.done === true) return
  yield first.value
  try {
    for (let next = await rest.next(); next.done !== true; next = await rest.next())
      yield next.value
  } catch (error) {
    const gatewayError = asGatewayError(error)
    logger.warn('response stream failed after it started', {
      status: gatewayError.status,
      upstreamType: gatewayError.upstreamType,
      error: gatewayError.message,
    })
    throw gatewayError
  } finally {
    await rest.return?.()
  }
}

export async function streamResponse(options: StreamResponseOptions): Promise<Response> {
  const { call } = options
  const iterator = options.events[Symbol.asyncIterator]()
  let first: IteratorResult<ResponseStreamEvent>
  try {
    first = await iterator.next()
  } catch (error) {
    call.release()
    throw call.explain(error)
  }
  call.clearTimeout()
  const text = withKeepAlive(
    toResponsesSse(resumed(first, iterator, options.logger)),
    options.keepAliveMs,
    sseKeepAlive,
  )
  const encoder = new TextEncoder()
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await text.next()
      if (next.done === true) {
        controller.close()
        call.release()
      } else {
        controller.enqueue(encoder.encode(next.value))
      }
    },
    async cancel(reason) {
      call.abort(reason)
      await text.return(undefined).catch(() => undefined)
    },
  })
  return new Response(body, { status: 200, headers: sseHeaders })
}
