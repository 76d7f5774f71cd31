// The SSE answer of any streaming endpoint (chat completions, responses).
//
// The first item is awaited before any byte is sent, so a failure before it (throttling, a bad
// model id) is still an ordinary HTTP error with a faithful status. After that the status is 200
// for good: the endpoint's encoder turns a later failure into one OpenAI-shaped error event, which
// OpenAI SDKs raise as an APIError rather than mistaking it for a clean end.
import type { Logger } from '../app-logger.ts'
import { asGatewayError } from '../errors/gateway-error.ts'
import type { OpenRecord } from '../observe/request-record.ts'
import type { TokenUsage } from '../observe/token-usage.ts'
import { sseKeepAlive, withKeepAlive } from '../streaming/sse.ts'
import { clientClosed, type UpstreamCall } from './upstream-call.ts'

export interface SseResponseOptions<T> {
  items: AsyncIterable<T>
  /** Turns the items into SSE text, error event included. */
  encode: (items: AsyncIterable<T>) => AsyncIterable<string>
  call: UpstreamCall
  keepAliveMs: number
  logger: Logger
  /** Names the stream in the log line of a failure after the start, e.g. "chat stream". */
  what: string
  /** Closed when the stream ends, fails or is cancelled; it learns the usage on the way. */
  record: OpenRecord
  /** The usage an item carries (the final usage chunk, `response.completed`), if any. */
  usageOf: (item: T) => TokenUsage | undefined
  /** Whether an item carries generated output: the first one sets the time to first token. */
  hasToken: (item: T) => boolean
  /** Monotonic milliseconds. */
  now: () => number
}

const sseHeaders = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache',
  // Reverse proxies such as nginx buffer responses unless told otherwise.
  'X-Accel-Buffering': 'no',
}

// The items again, with the one already taken put back in front, and failures logged on their
// way to becoming an error event.
async function* resumed<T>(
  first: IteratorResult<T>,
  rest: AsyncIterator<T>,
  options: SseResponseOptions<T>,
): AsyncGenerator<T> {
  const { logger, what, record, usageOf, now } = options
  const noteUsage = (item: T): void => {
    const usage = usageOf(item)
    if (usage !== undefined) record.record.usage = usage
  }
  const noteArrival = (item: T): void => {
    if (record.record.firstTokenAt === undefined && options.hasToken(item))
      record.record.firstTokenAt = now()
  }
  // Every wait on the model counts as upstream time, not only the first, so that what is left of
  // a stream's duration is the gateway's own (strata_gateway_overhead_seconds).
  const pull = async (): Promise<IteratorResult<T>> => {
    const since = now()
    try {
      return await rest.next()
    } finally {
      record.addUpstreamTime(since, now())
    }
  }
  if (first.done === true) return
  noteUsage(first.value)
  yield first.value
  try {
    for (let next = await pull(); next.done !== true; next = await pull()) {
      noteArrival(next.value)
      noteUsage(next.value)
      yield next.value
    }
  } catch (error) {
    const gatewayError = asGatewayError(error)
    record.record.error = gatewayError
    logger.warn(`${what} failed after it started`, {
      status: gatewayError.status,
      upstreamType: gatewayError.upstreamType,
      error: gatewayError.message,
    })
    throw gatewayError
  } finally {
    await rest.return?.()
  }
}

export async function sseResponse<T>(options: SseResponseOptions<T>): Promise<Response> {
  const { call, record, now } = options
  const iterator = options.items[Symbol.asyncIterator]()
  let first: IteratorResult<T>
  const waitingSince = now()
  try {
    first = await iterator.next()
  } catch (error) {
    call.release()
    throw call.explain(error)
  } finally {
    record.addUpstreamTime(waitingSince, now())
  }
  if (first.done !== true && options.hasToken(first.value)) record.record.firstTokenAt = now()
  // The route's timeout bounds the wait for the model to start, not the length of its answer.
  call.clearTimeout()
  const text = withKeepAlive(
    options.encode(resumed(first, iterator, options)),
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
        record.finish(now())
      } else {
        controller.enqueue(encoder.encode(next.value))
      }
    },
    async cancel(reason) {
      // The client went away. Abort first: the generators may be waiting on the upstream, and
      // return() would queue behind that wait.
      call.abort(reason)
      await text.return(undefined).catch(() => undefined)
      record.record.error = clientClosed(reason)
      record.finish(now())
    },
  })
  return new Response(body, { status: 200, headers: sseHeaders })
}
