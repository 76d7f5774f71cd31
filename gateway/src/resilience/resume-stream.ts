// The stream of a served attempt, handed to pipeline/sse-response.ts: the first items (already in
// hand) in front of the rest. Each item restarts the idle deadline; a failure after the start
// counts against the backend's circuit and is never retried (bytes have reached the client), so it
// becomes the endpoint's error event with the deadline's own error when one fired.
import type { Served } from './run-attempts.ts'
import { isBackendFailure } from './retryable.ts'
import { asGatewayError } from '../errors/catalogue.ts'

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

export async function* resumeStream<T>(served: Served<FirstItem<T>>): AsyncGenerator<T> {
  const { head, ended, rest } = served.value
  const { call, health } = served
  try {
    // The idle deadline measures the model's silence, not a slow client's reading.
    for (const item of head) {
      call.hold()
      yield item
    }
    if (ended) return
    call.touch()
    for (let next = await rest.next(); next.done !== true; next = await rest.next()) {
      call.hold()
      yield next.value
      call.touch()
    }
  } catch (raw) {
    const error = asGatewayError(call.explain(raw))
    if (isBackendFailure(error)) health.breaker.onFailure()
    throw error
  } finally {
    await rest.return?.()
    served.finish()
  }
}
