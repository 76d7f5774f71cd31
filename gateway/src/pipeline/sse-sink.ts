// Where a stream's SSE text goes. Served over Node (server.ts), the text is written straight to
// the Node response: a Web ReadableStream in between costs a promise, a pull and a Uint8Array per
// event, which at a thousand concurrent streams was a large share of the gateway's CPU. Served
// through `app.request()` (tests, other runtimes) there is no Node response, and a ReadableStream
// carries the same text.
// Reference: @hono/node-server's RESPONSE_ALREADY_SENT, the documented way to tell the adapter
// that a handler wrote the answer itself.
import type { ServerResponse } from 'node:http'
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response'

export interface SseSink {
  /** Commits the 200 with these headers; the first write sends them. */
  open(headers: Record<string, string>): void
  /** Queues text; false when the client is not keeping up: wait for drained() before more. */
  write(text: string): boolean
  /** Resolves when the client has read enough to take more text, or is gone. */
  drained(): Promise<void>
  /** Ends the response, with `text` as its last chunk when given. */
  end(text?: string): void
  /** The client went away before end(); told at most once. */
  onClose(listener: (reason: unknown) => void): void
  /** What the handler returns to Hono once open() was called. */
  response(): Response
}

export function nodeSink(outgoing: ServerResponse): SseSink {
  let ended = false
  // No cork() here: a response's write corks its socket until the end of the turn, so a turn's
  // events already leave in one writev. A response-level cork() is worse: its uncork
  // sends the chunk size, the text and the CRLF as separate write() calls (strace: 4 per event).
  return {
    open(headers) {
      outgoing.writeHead(200, headers)
    },
    write(text) {
      if (ended || outgoing.destroyed) return true
      return outgoing.write(text)
    },
    drained() {
      return new Promise((resolve) => {
        const done = (): void => {
          outgoing.off('drain', done)
          outgoing.off('close', done)
          resolve()
        }
        outgoing.on('drain', done)
        outgoing.on('close', done)
      })
    },
    end(text) {
      if (ended) return
      ended = true
      if (text === undefined || outgoing.destroyed) outgoing.end()
      else outgoing.end(text)
    },
    onClose(listener) {
      outgoing.once('close', () => {
        if (!ended) listener(new Error('the client closed the connection'))
      })
    },
    response: () => RESPONSE_ALREADY_SENT,
  }
}

export function webSink(): SseSink {
  const encoder = new TextEncoder()
  let headers: Record<string, string> = {}
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined
  let closed = false
  let onClose: ((reason: unknown) => void) | undefined
  let wake: (() => void) | undefined
  const body = new ReadableStream<Uint8Array>({
    start(started) {
      controller = started
    },
    pull() {
      wake?.()
      wake = undefined
    },
    cancel(reason) {
      closed = true
      wake?.()
      onClose?.(reason)
    },
  })
  return {
    open(given) {
      headers = given
    },
    write(text) {
      if (closed || controller === undefined) return true
      controller.enqueue(encoder.encode(text))
      return (controller.desiredSize ?? 0) > 0
    },
    drained() {
      return closed ? Promise.resolve() : new Promise((resolve) => (wake = resolve))
    },
    end(text) {
      if (closed) return
      closed = true
      if (text !== undefined) controller?.enqueue(encoder.encode(text))
      controller?.close()
    },
    onClose(listener) {
      onClose = listener
    },
    response: () => new Response(body, { status: 200, headers }),
  }
}
