// The stream of a served attempt, handed to routes/sse-response.ts: the first item (already in
// hand) in front of the rest. Each item restarts the idle deadline; a failure after the start
// counts against the backend's circuit and is never retried (bytes have reached the client), so it
// becomes the endpoint's error event with the deadline's own error when one fired.
import { asGatewayError } from '../errors/gateway-error.ts'
import type { Served } from './run-attempts.ts'
import { isBackendFailure } from './retryable.ts'

export interface FirstItem<T> {
  first: IteratorResult<T>
  rest: AsyncIterator<T>
}

/** One streaming attempt: resolves once the first item is in hand, the way runAttempts wants. */
export async function firstItem<T>(items: AsyncIterable<T>): Promise<FirstItem<T>> {
  const rest = items[Symbol.asyncIterator]()
  const first = await rest.next()
  return { first, rest }
}

export async function* resumeStream<T>(served: Served<FirstItem<T>>): AsyncGenerator<T> {
  const { first, rest } = served.value
  const { call, health } = served
  try {
    if (first.done === true) return
    // The idle deadline measures the model's silence, not a slow client's reading.
    call.hold()
    yield first.value
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
