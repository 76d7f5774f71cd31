// The SSE answer of any streaming endpoint (chat completions, responses).
//
// The first item is awaited before any byte is sent, so a failure before it (throttling, a bad
// model id) is still an ordinary HTTP error with a faithful status; but only for one keep-alive
// interval: a model silent for longer gets the 200 and keep-alive comments, so that a proxy's idle
// timeout cannot cut the wait (hidden reasoning can take minutes). After that the status is 200
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

// Whether `pending` settled within `ms`; it is left running either way.
async function settledWithin<T>(pending: Promise<T>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const silent = new Promise<false>((resolve) => {
    timer = setTimeout(resolve, ms, false)
  })
  const settled = pending.then(
    () => true,
    () => true,
  )
  try {
    return await Promise.race([settled, silent])
  } finally {
    clearTimeout(timer)
  }
}

// A model silent for longer than the keep-alive interval before its first item (hidden reasoning,
// a long prompt): the 200 is already sent so that keep-alives flow, and the wait ends here.
async function* lateStart<T>(
  pending: Promise<IteratorResult<T>>,
  rest: AsyncIterator<T>,
  options: SseResponseOptions<T>,
  waitingSince: number,
): AsyncGenerator<T> {
  const { call, record, now, logger, what } = options
  let first: IteratorResult<T>
  try {
    first = await pending
  } catch (error) {
    const gatewayError = asGatewayError(call.explain(error))
    record.record.error = gatewayError
    logger.warn(`${what} failed before its first event, after keep-alives`, {
      status: gatewayError.status,
      error: gatewayError.message,
    })
    throw gatewayError
  } finally {
    record.addUpstreamTime(waitingSince, now())
  }
  if (first.done !== true && options.hasToken(first.value)) record.record.firstTokenAt = now()
  // The route's timeout bounds the wait for the model to start, not the length of its answer.
  call.clearTimeout()
  yield* resumed(first, rest, options)
}

async function* startingWith<T>(head: T, tail: AsyncGenerator<T>): AsyncGenerator<T> {
  yield head
  yield* tail
}

export async function sseResponse<T>(options: SseResponseOptions<T>): Promise<Response> {
  const { call, record, now } = options
  const iterator = options.items[Symbol.asyncIterator]()
  const waitingSince = now()
  const pending = iterator.next()
  let text: AsyncGenerator<string>
  if (await settledWithin(pending, options.keepAliveMs)) {
    let first: IteratorResult<T>
    try {
      first = await pending
    } catch (error) {
      call.release()
      throw call.explain(error)
    } finally {
      record.addUpstreamTime(waitingSince, now())
    }
    if (first.done !== true && options.hasToken(first.value)) record.record.firstTokenAt = now()
    // The route's timeout bounds the wait for the model to start, not the length of its answer.
    call.clearTimeout()
    text = withKeepAlive(
      options.encode(resumed(first, iterator, options)),
      options.keepAliveMs,
      sseKeepAlive,
    )
  } else {
    const items = lateStart(pending, iterator, options, waitingSince)
    text = startingWith(
      sseKeepAlive,
      withKeepAlive(options.encode(items), options.keepAliveMs, sseKeepAlive),
    )
  }
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
