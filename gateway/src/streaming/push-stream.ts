// The per-chunk path of a stream: once a stream is committed, each network read travels from the
// upstream socket to the client socket in one synchronous call (decode, validate, translate,
// encode, one write), with no promise, iterator step or generator frame per chunk; the call comes
// from the read queue (read-queue.ts), a turn after the read, behind new work. At a thousand
// concurrent streams that per-chunk machinery, not the translation, was most of the gateway's CPU
// (issue 20). Until the first token the same streams are read by pull (AsyncIterator.next()),
// which is what attempts and fallback need; pushTo() then hands the rest over.
//
// Backpressure: a consumer that cannot take more (the client socket's write returned false)
// returns false from push(); the source pauses its upstream body until resume() is called, so a
// slow client holds one read's worth of memory, not the whole answer.
import type { ByteFlow, ByteHandlers, ListenableBytes } from '../upstream/listenable-body.ts'

/** Receives a stream's items, one network read's worth per call. */
export interface PushConsumer<T> {
  /**
   * Items in order; false asks the source to pause until the resume() that pushTo returned.
   * `waitedMs`: how long the reads that made them waited in the gateway (read-queue.ts) after
   * they arrived, which is the gateway's time, not the model's.
   */
  push(items: readonly T[], waitedMs?: number): boolean
  /** The stream ended cleanly. Called at most once, and never after fail(). */
  end(): void
  /** The stream failed; nothing more follows. */
  fail(error: unknown): void
}

/** An AsyncIterator that can also hand the rest of its items over by callbacks. */
export interface PushableIterator<T> extends AsyncIterator<T> {
  /** Whether pushTo() works now (the source underneath reads by callbacks). */
  canPush(): boolean
  /**
   * From now on the items go to `consumer` and next() must not be called again. Returns resume,
   * for after push() returned false. return() still stops the stream.
   */
  pushTo(consumer: PushConsumer<T>): () => void
}

/** The iterator's push side, when it has one that works now. */
export function pushable<T>(iterator: AsyncIterator<T>): PushableIterator<T> | undefined {
  const candidate = iterator as Partial<PushableIterator<T>>
  return typeof candidate.canPush === 'function' && candidate.canPush()
    ? (iterator as PushableIterator<T>)
    : undefined
}

function isListenable(bytes: AsyncIterable<Uint8Array>): bytes is ListenableBytes {
  return typeof (bytes as Partial<ListenableBytes>).listen === 'function'
}

/**
 * Listens to any byte stream: by callbacks when the body offers them, else by pulling its
 * iterator in a loop (test doubles, other runtimes), with the same pause, resume and stop.
 */
export function listenToBytes(bytes: AsyncIterable<Uint8Array>, handlers: ByteHandlers): ByteFlow {
  if (isListenable(bytes)) return bytes.listen(handlers)
  const iterator = bytes[Symbol.asyncIterator]()
  let stopped = false
  // A function, so that the checks after each await are not narrowed away.
  const isStopped = (): boolean => stopped
  let wake: (() => void) | undefined
  let paused = false
  const loop = async (): Promise<void> => {
    try {
      for (;;) {
        if (paused) await new Promise<void>((resolve) => (wake = resolve))
        if (isStopped()) return
        const next = await iterator.next()
        if (isStopped()) return
        if (next.done === true) {
          handlers.end()
          return
        }
        handlers.data(next.value)
      }
    } catch (error) {
      if (!isStopped()) handlers.error(error)
    }
  }
  void loop()
  const release = (): void => {
    const waiting = wake
    wake = undefined
    waiting?.()
  }
  return {
    pause: () => {
      paused = true
    },
    resume: () => {
      paused = false
      release()
    },
    stop: () => {
      if (stopped) return
      stopped = true
      release()
      iterator.return?.().catch(() => undefined)
    },
  }
}
