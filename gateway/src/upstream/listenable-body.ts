// An undici response body read by callbacks, one 'data' event per network read, for the per-chunk
// path (streaming/push-stream.ts): no promise or iterator step per read, unlike `for await` over
// the body. Pausing the body stops reading the socket once undici's buffer is full, which is what
// holds a slow client's memory to a bound. Failures are mapped as streamBody maps them.
// Reference: undici BodyReadable (a node:stream Readable; https://undici.nodejs.org/#/docs/api/Dispatcher).
import type { Dispatcher } from 'undici'
import { discardBody } from './discard-body.ts'
import { streamBody } from './signed-exchange.ts'
import { upstreamFailure } from './upstream-failure.ts'

/** What a body reports, each network read as it arrives. */
export interface ByteHandlers {
  data(chunk: Uint8Array): void
  end(): void
  error(error: unknown): void
}

/** Control over a body being listened to. */
export interface ByteFlow {
  pause(): void
  resume(): void
  /** Frees the body (and its socket); nothing more is reported. */
  stop(): void
}

/** A response body readable both ways: by `for await` and by callbacks per network read. */
export interface ListenableBytes extends AsyncIterable<Uint8Array> {
  /** At most one listener, and only instead of iterating. */
  listen(handlers: ByteHandlers): ByteFlow
}

export function listenableBody(
  response: Dispatcher.ResponseData,
  signal: AbortSignal,
): ListenableBytes {
  const { body } = response
  return {
    [Symbol.asyncIterator]: () => streamBody(response, signal),
    listen(handlers) {
      let stopped = false
      const onData = (chunk: Uint8Array): void => {
        handlers.data(chunk)
      }
      const detach = (): void => {
        body.off('data', onData)
        body.off('end', onEnd)
        body.off('error', onError)
      }
      const onEnd = (): void => {
        if (stopped) return
        stopped = true
        detach()
        handlers.end()
      }
      const onError = (error: unknown): void => {
        if (stopped) return
        stopped = true
        detach()
        handlers.error(upstreamFailure(error, signal))
      }
      body.on('data', onData)
      body.on('end', onEnd)
      body.on('error', onError)
      return {
        pause: () => body.pause(),
        resume: () => {
          if (!stopped) body.resume()
        },
        stop: () => {
          if (stopped) return
          stopped = true
          detach()
          discardBody(body)
        },
      }
    },
  }
}
