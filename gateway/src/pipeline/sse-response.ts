// The SSE answer of any streaming endpoint (chat completions, responses).
//
// The first item is awaited before any byte is sent, so a failure before it (throttling, a bad
// model id) is still an ordinary HTTP error with a faithful status; but only for one keep-alive
// interval: a model silent for longer gets the 200 and keep-alive comments, so that a proxy's idle
// timeout cannot cut the wait (hidden reasoning can take minutes). After that the status is 200
// for good: the endpoint's encoding turns a later failure into one OpenAI-shaped error event, which
// OpenAI SDKs raise as an APIError rather than mistaking it for a clean end.
//
// Once committed, one loop (pump) moves the items to the sink: every layer between the model's
// bytes and the client's socket costs promises per event, and at a thousand concurrent streams
// that per-event cost is what decides the gateway's CPU.
import type { Logger } from '../app-logger.ts'
import { type GatewayError } from '../errors/gateway-error.ts'
import { OVERHEAD_HEADER, overheadMs, type OpenRecord } from '../observe/request-record.ts'
import type { TokenUsage } from '../observe/token-usage.ts'
import { keepAlive } from '../streaming/keep-alive.ts'
import { sseKeepAlive, type SseEncoding } from '../streaming/sse.ts'
import type { SseSink } from './sse-sink.ts'
import { type UpstreamCall } from '../resilience/upstream-call.ts'
import { asGatewayError, clientClosed } from '../errors/catalogue.ts'
import { pushable, type PushableIterator } from '../streaming/push-stream.ts'

export interface SseResponseOptions<T> {
  items: AsyncIterable<T>
  encoding: SseEncoding<T>
  sink: SseSink
  /** Headers known only once the stream starts (which backend serves it), added to the 200's. */
  startHeaders?: () => Record<string, string>
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
  /** What an idle stream sends; an SSE comment unless the API has its own (Anthropic's ping). */
  keepAliveText?: string
}

/** What a stream's SSE answer needs beyond its API's encoding: the same for every API. */
export type SseStart<T> = Omit<
  SseResponseOptions<T>,
  'encoding' | 'what' | 'usageOf' | 'hasToken' | 'keepAliveText'
>

const sseHeaders = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache',
  // Reverse proxies such as nginx buffer responses unless told otherwise.
  'X-Accel-Buffering': 'no',
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

export async function sseResponse<T>(options: SseResponseOptions<T>): Promise<Response> {
  const { call, record, now, sink } = options
  const iterator = options.items[Symbol.asyncIterator]()
  const pending = iterator.next()
  let first: IteratorResult<T> | undefined
  if (await settledWithin(pending, options.keepAliveMs)) {
    // No upstream time is added for this wait: run-attempts.ts counts each attempt's own.
    try {
      first = await pending
    } catch (error) {
      call.release()
      throw call.explain(error)
    }
    if (first.done !== true && options.hasToken(first.value)) record.record.firstTokenAt = now()
    // The route's timeout bounds the wait for the model to start, not the length of its answer.
    call.clearTimeout()
  }
  // A stream's overhead header is the gateway's own time up to its first byte.
  sink.open({
    ...sseHeaders,
    ...options.startHeaders?.(),
    [OVERHEAD_HEADER]: overheadMs(record.record, now()).toFixed(2),
  })
  // Late, the stream has been silent for a whole interval already: the head and a keep-alive go
  // now (Node sends a head only with the first write).
  if (first === undefined) sink.write(options.keepAliveText ?? sseKeepAlive)
  const pumping = pumpingOf(options)
  pump(pumping, iterator, first ?? lateStart(pending, pumping)).catch(logUnclosed(pumping))
  return sink.response()
}

// What the pump keeps for the stream's whole life: not the items (it has their iterator) nor
// startHeaders, whose closure holds the request it was prepared from. What a stream in flight
// holds is what the garbage collector marks and copies; at a thousand streams the collector's
// threads took about a quarter of the gateway's CPU (docs/gateway-performance.md, tenth pass).
type Pumping<T> = Omit<SseResponseOptions<T>, 'items' | 'startHeaders'>

function pumpingOf<T>(options: SseResponseOptions<T>): Pumping<T> {
  const { encoding, sink, call, keepAliveMs, logger, what, record, usageOf, hasToken, now } =
    options
  const pumping = {
    encoding,
    sink,
    call,
    keepAliveMs,
    logger,
    what,
    record,
    usageOf,
    hasToken,
    now,
  }
  return options.keepAliveText === undefined
    ? pumping
    : { ...pumping, keepAliveText: options.keepAliveText }
}

function logUnclosed(options: Pick<Pumping<unknown>, 'logger' | 'what'>) {
  return (error: unknown): void => {
    options.logger.error(`${options.what} could not be closed cleanly`, {
      error: String(error),
    })
  }
}

// A model silent for longer than the keep-alive interval before its first item (hidden reasoning,
// a long prompt): the 200 is already sent so that keep-alives flow, and the wait ends here.
async function lateStart<T>(
  pending: Promise<IteratorResult<T>>,
  options: Pumping<T>,
): Promise<IteratorResult<T>> {
  const { call, record, now, logger, what } = options
  let first: IteratorResult<T>
  try {
    first = await pending
  } catch (error) {
    const gatewayError = asGatewayError(call.explain(error))
    logger.warn(`${what} failed before its first event, after keep-alives`, {
      status: gatewayError.status,
      error: gatewayError.message,
    })
    throw new LoggedFailure(gatewayError)
  }
  if (first.done !== true && options.hasToken(first.value)) record.record.firstTokenAt = now()
  call.clearTimeout()
  return first
}

// A failure already logged on its way to the error event.
class LoggedFailure extends Error {
  readonly failure: GatewayError
  constructor(failure: GatewayError) {
    super(failure.message)
    this.failure = failure
  }
}

// Moves the items to the sink until the stream ends, fails, or the client goes away; it never
// throws. Every wait on the model counts as upstream time, not only the first, so that what is
// left of a stream's duration is the gateway's own (strata_gateway_overhead_seconds). Once the
// first item is out and the items can be pushed (streaming/push-stream.ts), the rest goes by
// push: one synchronous call per network read, one write per read.
async function pump<T>(
  options: Pumping<T>,
  rest: AsyncIterator<T>,
  start: IteratorResult<T> | Promise<IteratorResult<T>>,
): Promise<void> {
  const { sink, record, call, now, encoding } = options
  let closed = false
  // Set from the sink's close event: a function, so that no check is narrowed away.
  const gone = (): boolean => closed
  let finalized = false
  const alive = keepAlive(options.keepAliveMs, now, () =>
    sink.write(options.keepAliveText ?? sseKeepAlive),
  )
  // `last`: the stream's closing event, written with the end of the response so that both leave
  // in one write, after the record is closed (metrics and the access log are current by then).
  // Written on its own first, it went out in one system call and the response's end in another.
  const finalize = async (last?: string): Promise<void> => {
    if (finalized) return
    finalized = true
    alive.stop()
    await rest.return?.(undefined).catch(() => undefined)
    call.release()
    record.finish(now())
    sink.end(gone() ? undefined : last)
  }
  let pushing = false
  sink.onClose((reason) => {
    closed = true
    // Abort first: the iterator may be waiting on the upstream, and return() would queue behind
    // that wait.
    call.abort(reason)
    record.record.error = clientClosed(reason)
    // The request is over for the client now, whatever the upstream still takes to stop.
    record.finish(now())
    // Pushed, nothing waits on the upstream: the stream is stopped here and now.
    if (pushing) void finalize()
  })
  // False when the client is not keeping up; then the caller waits for drained(). Synchronous,
  // so that the usual case costs no promise per item.
  const send = (text: string | undefined, at = now()): boolean => {
    if (text === undefined) return true
    alive.wrote(at)
    return sink.write(text)
  }
  const failAfterStart = (error: unknown): void => {
    if (gone()) return
    const failure = error instanceof LoggedFailure ? error.failure : asGatewayError(error)
    if (!(error instanceof LoggedFailure)) {
      options.logger.warn(`${options.what} failed after it started`, {
        status: failure.status,
        upstreamType: failure.upstreamType,
        error: failure.message,
      })
    }
    record.record.error = failure
    send(encoding.error(failure))
  }
  let last: string | undefined
  try {
    let next = await start
    while (next.done !== true && !gone()) {
      const usage = options.usageOf(next.value)
      if (usage !== undefined) record.record.usage = usage
      if (!send(encoding.item(next.value))) await sink.drained()
      if (gone()) break
      const source = pushable(rest)
      if (source !== undefined) {
        pushing = true
        pushRest(options, source, { gone, send, failAfterStart, finalize })
        return
      }
      const since = now()
      try {
        next = await rest.next()
      } finally {
        record.addUpstreamTime(since, now())
      }
      if (
        next.done !== true &&
        record.record.firstTokenAt === undefined &&
        options.hasToken(next.value)
      )
        record.record.firstTokenAt = now()
    }
    last = encoding.end
  } catch (error) {
    failAfterStart(error)
  } finally {
    if (!pushing) await finalize(last)
  }
}

interface PumpState {
  gone: () => boolean
  /** `at`: when, if the caller already read the clock. */
  send: (text: string | undefined, at?: number) => boolean
  failAfterStart: (error: unknown) => void
  finalize: (last?: string) => Promise<void>
}

// The rest of a stream by push: each network read's items are encoded into one text and written
// once; when the client's socket is full the upstream pauses until it drains.
function pushRest<T>(options: Pumping<T>, source: PushableIterator<T>, state: PumpState): void {
  const { sink, record, now, encoding } = options
  const { gone, send } = state
  let waitingSince = now()
  // Called only after pushTo returned: drained() settles in a later turn.
  const resumeWhenDrained = (): void => {
    void sink.drained().then(() => {
      waitingSince = now()
      resume()
    })
  }
  const resume = source.pushTo({
    push(items, waitedMs = 0) {
      if (gone()) return true
      const arrived = now()
      // The model's silence ended when the reads arrived; their wait in the gateway's read queue
      // (streaming/read-queue.ts) is the gateway's own time.
      record.addUpstreamTime(waitingSince, Math.max(waitingSince, arrived - waitedMs))
      let text = ''
      for (const item of items) {
        const usage = options.usageOf(item)
        if (usage !== undefined) record.record.usage = usage
        if (record.record.firstTokenAt === undefined && options.hasToken(item))
          record.record.firstTokenAt = arrived
        const encoded = encoding.item(item)
        if (encoded !== undefined) text += encoded
      }
      waitingSince = arrived
      if (text === '' || send(text, arrived)) return true
      resumeWhenDrained()
      return false
    },
    end() {
      void state.finalize(encoding.end)
    },
    fail(error) {
      state.failAfterStart(error)
      void state.finalize()
    },
  })
}
