// The stream of a served attempt, handed to pipeline/sse-response.ts: the first items (already in
// hand) in front of the rest. Each item restarts the idle deadline; a failure after the start
// counts against the backend's circuit and is never retried (bytes have reached the client), so it
// becomes the endpoint's error event with the deadline's own error when one fired.
import type { Served } from './run-attempts.ts'
import { isBackendFailure } from './retryable.ts'
import { asGatewayError } from '../errors/catalogue.ts'
import type { ItemStream } from '../streaming/item-stream.ts'
import { pushable, type PushConsumer } from '../streaming/push-stream.ts'

export interface FirstItem<T> {
  /** What came before and with the first substantive item: nothing of it has reached the client. */
  head: T[]
  /** The stream ended within the head. */
  ended: boolean
  rest: AsyncIterator<T>
}

/**
 * One streaming attempt: resolves once the first substantive item is in hand, the way runAttempts
 * wants. Items that carry no model output yet (Converse's role chunk on messageStart, Responses'
 * `response.created`) arrive before the model produced anything; they are held back so that a
 * model slow to start still falls back, and the first-token deadline means a token.
 */
export async function firstItem<T>(
  items: AsyncIterable<T>,
  substantive: (item: T) => boolean = () => true,
): Promise<FirstItem<T>> {
  const rest = items[Symbol.asyncIterator]()
  const head: T[] = []
  for (;;) {
    const next = await rest.next()
    if (next.done === true) return { head, ended: true, rest }
    head.push(next.value)
    if (substantive(next.value)) return { head, ended: false, rest }
  }
}

const done = <T>(): IteratorResult<T> => ({ done: true, value: undefined })

/**
 * The served attempt's items: the head, then the rest. Read by pull, or, once the rest can push
 * (streaming/push-stream.ts), handed over by push with the same idle deadline and failure rules.
 */
export function resumeStream<T>(served: Served<FirstItem<T>>): ItemStream<T> {
  const { head, ended, rest } = served.value
  const { call, health } = served
  let index = 0
  let finished = false
  const finish = (): void => {
    if (finished) return
    finished = true
    served.finish()
  }
  const failure = (raw: unknown) => {
    const error = asGatewayError(call.explain(raw))
    if (isBackendFailure(error)) health.breaker.onFailure()
    return error
  }
  const stop = async (): Promise<IteratorResult<T>> => {
    try {
      await rest.return?.()
    } finally {
      finish()
    }
    return done()
  }
  const stream: ItemStream<T> = {
    async next() {
      if (finished) return done()
      // The idle deadline measures the model's silence, not a slow client's reading.
      if (index < head.length) {
        call.hold()
        return { done: false, value: head[index++] as T }
      }
      if (ended) return stop()
      call.touch()
      let next: IteratorResult<T>
      try {
        next = await rest.next()
      } catch (raw) {
        await stop().catch(() => undefined)
        throw failure(raw)
      }
      if (next.done === true) return stop()
      call.hold()
      return next
    },
    return: stop,
    canPush: () => ended || pushable(rest) !== undefined,
    pushTo(consumer) {
      const remaining = head.slice(index)
      // Handed over: the stream in flight no longer keeps them.
      head.length = 0
      index = 0
      const taken = remaining.length === 0 || consumer.push(remaining)
      if (ended) {
        finish()
        consumer.end()
        return () => undefined
      }
      const source = pushable(rest)
      if (source === undefined) throw new Error('pushTo on a stream that cannot push')
      const relay: PushConsumer<T> = {
        push(items, waitedMs) {
          call.hold()
          const more = consumer.push(items, waitedMs)
          if (more) call.touch()
          return more
        },
        end() {
          finish()
          consumer.end()
        },
        fail(raw) {
          const error = failure(raw)
          finish()
          consumer.fail(error)
        },
      }
      let resumeRest: (() => void) | undefined
      const startRest = (): void => {
        call.touch()
        resumeRest = source.pushTo(relay)
      }
      if (taken) startRest()
      return () => {
        if (finished) return
        if (resumeRest === undefined) {
          startRest()
          return
        }
        call.touch()
        resumeRest()
      }
    },
    [Symbol.asyncIterator]() {
      return stream
    },
  }
  return stream
}
