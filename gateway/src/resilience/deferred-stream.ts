// A stream whose attempts may still be running when pipeline/sse-response.ts commits the 200: a
// model silent for longer than one keep-alive interval gets keep-alive comments so that proxies
// keep the connection open. Comments are not content, so until the first token the attempts may
// still fall back; only the way a final failure reaches the client changes (an error event instead
// of an HTTP status). Until an attempt is served, the call handed to sse-response.ts stands for
// all of them.
import type { UpstreamCall } from './upstream-call.ts'
import { resumeStream, type FirstItem } from './resume-stream.ts'
import type { Served } from './run-attempts.ts'
import type { ItemStream } from '../streaming/item-stream.ts'

export interface DeferredStream<T> {
  items: AsyncIterable<T>
  call: UpstreamCall
  /** Settles with the attempts: the served attempt, or the error that ended them. */
  served: Promise<Served<FirstItem<T>>>
  /** The served attempt once there is one. */
  current(): Served<FirstItem<T>> | undefined
}

export function deferredStream<T>(
  clientSignal: AbortSignal,
  start: (signal: AbortSignal) => Promise<Served<FirstItem<T>>>,
): DeferredStream<T> {
  let served: Served<FirstItem<T>> | undefined
  // One controller that the client's signal also aborts (rather than AbortSignal.any, whose weak
  // bookkeeping costs more per stream); the listener goes when the call is released.
  const stop = new AbortController()
  const signal = stop.signal
  const onClientGone = (): void => {
    stop.abort(clientSignal.reason)
  }
  if (clientSignal.aborted) onClientGone()
  else clientSignal.addEventListener('abort', onClientGone, { once: true })
  const attempts = start(signal).then((value) => {
    served = value
    return value
  })
  // Whoever reads the items hears of a failure; this copy only keeps it from being unhandled.
  attempts.catch(() => undefined)
  let resumed: ItemStream<T> | undefined
  const items: ItemStream<T> = {
    next() {
      if (resumed !== undefined) return resumed.next()
      return attempts.then((value) => {
        resumed ??= resumeStream(value)
        return resumed.next()
      })
    },
    return() {
      return resumed?.return?.() ?? Promise.resolve({ done: true, value: undefined })
    },
    canPush: () => resumed?.canPush() ?? false,
    pushTo(consumer) {
      if (resumed === undefined) throw new Error('pushTo before the stream was served')
      return resumed.pushTo(consumer)
    },
    [Symbol.asyncIterator]() {
      return items
    },
  }
  const call: UpstreamCall = {
    signal,
    abort(reason) {
      served?.call.abort(reason)
      stop.abort(reason)
    },
    release: () => {
      clientSignal.removeEventListener('abort', onClientGone)
      served?.call.release()
    },
    clearTimeout: () => served?.call.clearTimeout(),
    explain: (error) => (served === undefined ? error : served.call.explain(error)),
  }
  return { items, call, served: attempts, current: () => served }
}
