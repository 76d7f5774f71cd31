// A byte stream turned into items by a synchronous step per network read (decode, validate,
// translate), readable both ways: by pull until the first token (attempts, fallback), then by
// push (streaming/push-stream.ts), where reads wait their turn in the read queue
// (streaming/read-queue.ts) and a stream's waiting reads go to the consumer in one call.
import { asError } from '../errors/gateway-error.ts'
import type { ByteFlow } from '../upstream/listenable-body.ts'
import { performance } from 'node:perf_hooks'
import { queueReads } from './read-queue.ts'
import { listenToBytes, type PushConsumer, type PushableIterator } from './push-stream.ts'

/** What one stream does with its bytes; both steps are synchronous and may throw. */
export interface ReadStep<T> {
  /**
   * Appends the items one network read makes; items before a failure are kept. True when the
   * stream is complete (e.g. SSE's `[DONE]`): the rest of the body is not read.
   */
  read(chunk: Uint8Array, out: T[]): boolean
  /** The body ended: appends any last items, or throws when the stream was incomplete. */
  end(out: T[]): void
}

export type ItemStream<T> = PushableIterator<T> & AsyncIterableIterator<T>

/** Reads of one pushing stream that may wait in the read queue before its body is paused. */
export const MAX_WAITING = 4

export function itemStream<T>(bytes: AsyncIterable<Uint8Array>, step: ReadStep<T>): ItemStream<T> {
  // Pull mode: items read but not yet asked for. Push mode: one read's items, reused.
  const queue: T[] = []
  let flow: ByteFlow | undefined
  let consumer: PushConsumer<T> | undefined
  let waiter: { resolve(result: IteratorResult<T>): void; reject(error: unknown): void } | undefined
  // The source is over (ended, failed, or stopped); `failure` says how, once.
  let over = false
  let failure: Error | undefined
  let told = false
  let pausedByConsumer = false

  const tell = (): void => {
    if (told || consumer === undefined) return
    told = true
    if (failure === undefined) consumer.end()
    else consumer.fail(failure)
  }
  const done = (): IteratorResult<T> => ({ done: true, value: undefined })
  // Pull mode: answers a waiting next() if it can.
  const answer = (): void => {
    const waiting = waiter
    if (waiting === undefined) return
    if (queue.length > 0) {
      waiter = undefined
      waiting.resolve({ done: false, value: queue.shift() as T })
    } else if (over) {
      waiter = undefined
      told = true
      if (failure === undefined) waiting.resolve(done())
      else waiting.reject(failure)
    }
  }
  const fail = (error: unknown): void => {
    over = true
    failure = asError(error)
  }
  // Push mode: hands the items read so far over; false when the consumer asked to pause.
  // `waitedMs`: how long the reads behind them waited in the read queue.
  const hand = (waitedMs = 0): boolean => {
    if (consumer === undefined || queue.length === 0) return true
    const taken = consumer.push(queue, waitedMs)
    queue.length = 0
    return taken
  }
  const after = (waitedMs?: number): void => {
    if (consumer === undefined) {
      answer()
      // Nobody asked for these yet: stop reading until someone does.
      if (queue.length > 0 && !over) flow?.pause()
      return
    }
    const taken = hand(waitedMs)
    if (over) tell()
    else if (!taken) {
      pausedByConsumer = true
      flow?.pause()
    }
  }
  // The read steps, appending to `queue`; the caller hands the items on.
  const read = (chunk: Uint8Array): void => {
    if (over) return
    try {
      if (step.read(chunk, queue)) {
        over = true
        flow?.stop()
      }
    } catch (error) {
      fail(error)
      flow?.stop()
    }
  }
  const end = (): void => {
    if (over) return
    try {
      step.end(queue)
      over = true
    } catch (error) {
      fail(error)
    }
  }
  const failWith = (error: unknown): void => {
    if (!over) fail(error)
  }

  // Push mode: reads wait in the process's read queue (read-queue.ts), in order, with the end or
  // the failure behind them, and each run of the queue hands all of a stream's waiting reads over
  // at once: one write for them. A stream with MAX_WAITING reads waiting pauses its body, so what
  // waits is bounded as a slow client's backlog is.
  const waiting: Uint8Array[] = []
  let waitingEnd: { error: unknown } | 'end' | undefined
  let waitingSince = 0
  let queued = false
  let pausedForQueue = false
  const runWaiting = (): void => {
    queued = false
    const waitedMs = performance.now() - waitingSince
    for (const chunk of waiting) read(chunk)
    waiting.length = 0
    const ending = waitingEnd
    waitingEnd = undefined
    if (ending === 'end') end()
    else if (ending !== undefined) failWith(ending.error)
    try {
      after(waitedMs)
    } catch (error) {
      // The consumer threw. Where the read arrived, undici would have failed the body; here it
      // would fail the read queue, and every other stream with it, so this stream alone ends.
      flow?.stop()
      over = true
      failure ??= asError(error)
      try {
        tell()
      } catch {
        // It cannot take its failure either: the stream is already stopped.
      }
    }
    if (pausedForQueue) {
      pausedForQueue = false
      if (!over && !pausedByConsumer) flow?.resume()
    }
  }
  const enqueue = (): void => {
    if (queued) return
    queued = true
    waitingSince = performance.now()
    queueReads(runWaiting)
  }
  const handlers = {
    data(chunk: Uint8Array): void {
      if (over) return
      if (consumer === undefined) {
        read(chunk)
        after()
        return
      }
      waiting.push(chunk)
      if (waiting.length >= MAX_WAITING && !pausedForQueue) {
        pausedForQueue = true
        flow?.pause()
      }
      enqueue()
    },
    end(): void {
      if (over) return
      if (consumer === undefined) {
        end()
        after()
        return
      }
      waitingEnd ??= 'end'
      enqueue()
    },
    error(error: unknown): void {
      if (over) return
      if (consumer === undefined) {
        failWith(error)
        after()
        return
      }
      waitingEnd ??= { error }
      enqueue()
    },
  }
  const listen = (): void => {
    if (flow === undefined) flow = listenToBytes(bytes, handlers)
    else flow.resume()
  }

  const stream: ItemStream<T> = {
    next() {
      if (queue.length > 0) return Promise.resolve({ done: false, value: queue.shift() as T })
      if (over) {
        if (told) return Promise.resolve(done())
        told = true
        return failure === undefined ? Promise.resolve(done()) : Promise.reject(failure)
      }
      const waiting = new Promise<IteratorResult<T>>((resolve, reject) => {
        waiter = { resolve, reject }
      })
      listen()
      return waiting
    },
    return() {
      if (!over) {
        over = true
        told = true
        flow?.stop()
      }
      const waiting = waiter
      waiter = undefined
      waiting?.resolve(done())
      return Promise.resolve(done())
    },
    canPush: () => true,
    pushTo(given) {
      consumer = given
      const taken = hand()
      if (over) tell()
      else if (!taken) {
        pausedByConsumer = true
        flow?.pause()
      } else listen()
      return () => {
        pausedByConsumer = false
        if (!over && !pausedForQueue) listen()
      }
    },
    [Symbol.asyncIterator]() {
      return stream
    },
  }
  return stream
}

/**
 * A stream that first has to be started (the request prepared and sent): nothing happens until
 * the first next(), as with an async generator, and the started stream's push side shows through.
 */
export function startingStream<T>(start: () => Promise<ItemStream<T>>): ItemStream<T> {
  let inner: ItemStream<T> | undefined
  let starting: Promise<ItemStream<T>> | undefined
  let stopped = false
  // Dropped once called: it holds what preparing the request needed (the translated body, the
  // signed request), which a stream in flight should not keep for the garbage collector to mark.
  let toStart: (() => Promise<ItemStream<T>>) | undefined = start
  const started = (): Promise<ItemStream<T>> => {
    if (toStart !== undefined) {
      const begin = toStart
      toStart = undefined
      let begun: Promise<ItemStream<T>>
      try {
        begun = begin()
      } catch (error) {
        begun = Promise.reject(asError(error))
      }
      starting = begun.then((value) => {
        inner = value
        if (stopped) void value.return?.()
        return value
      })
    }
    return starting as Promise<ItemStream<T>>
  }
  const stream: ItemStream<T> = {
    next() {
      if (inner !== undefined) return inner.next()
      if (stopped) return Promise.resolve({ done: true, value: undefined })
      return started().then((value) => value.next())
    },
    return() {
      stopped = true
      if (inner !== undefined)
        return inner.return?.() ?? Promise.resolve({ done: true, value: undefined })
      return Promise.resolve({ done: true, value: undefined })
    },
    canPush: () => inner?.canPush() ?? false,
    pushTo(consumer) {
      if (inner === undefined) throw new Error('pushTo before the stream started')
      return inner.pushTo(consumer)
    },
    [Symbol.asyncIterator]() {
      return stream
    },
  }
  return stream
}
