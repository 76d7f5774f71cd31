// What one API request did, filled in as it happens and closed exactly once: when a JSON answer is
// sent, or when a stream ends, fails or is abandoned by its client. Metrics, the access log and
// token accounting all listen for that close, so none of them has to know how a request ends,
// and a stream that ends early is still counted.
import type { Project, Route, RouteBackend } from '@strata/crds'
import type { GatewayError } from '../errors/gateway-error.ts'
import type { TokenUsage } from './token-usage.ts'

export type Operation = 'chat' | 'responses' | 'embeddings' | 'messages' | 'count_tokens'

export interface RequestRecord {
  /** performance.now() when the request arrived. */
  readonly startedAt: number
  operation: Operation | undefined
  stream: boolean
  project: Project | undefined
  route: Route | undefined
  /** The alias the client sent. */
  model: string | undefined
  /** The backend that answered, or the last one tried. */
  backend: RouteBackend | undefined
  /** Upstream calls made, the first included. */
  attempts: number
  /** Times the request moved to a backend of a lower priority. */
  fallbacks: number
  /** Milliseconds spent waiting on Bedrock; the rest of the time is the gateway's own. */
  upstreamMs: number
  /** performance.now() when the first token (or the whole JSON answer) arrived from upstream. */
  firstTokenAt: number | undefined
  usage: TokenUsage | undefined
  /**
   * How upstream said the answer ended, in its own words (observe/stop-reason.ts): Bedrock's
   * stopReason, Claude's stop_reason, Mantle's finish_reason or Responses status. Undefined until
   * the answer carries one; each attempt starts without one.
   */
  stopReason: string | undefined
  /** The HTTP status sent; a stream that fails later keeps its 200 and sets `error`. */
  status: number | undefined
  error: GatewayError | undefined
  /** performance.now() at the close; undefined while the request is open. */
  finishedAt: number | undefined
}

/** Hears of a record twice: when its operation starts, and when it closes. */
export interface RecordListener {
  started?(record: Readonly<RequestRecord>): void
  finished?(record: Readonly<RequestRecord>): void
}

export interface OpenRecord {
  readonly record: RequestRecord
  /** Names the operation once the request is parsed; listeners hear `started` (in-flight gauges). */
  start(operation: Operation, stream: boolean): void
  /** Closes the record; later calls do nothing. */
  finish(now: number): void
  /** Adds the time of one upstream wait that began at `since`. */
  addUpstreamTime(since: number, now: number): void
}

export function openRecord(
  startedAt: number,
  listeners: readonly RecordListener[],
  onListenerError: (error: unknown) => void,
): OpenRecord {
  const record: RequestRecord = {
    startedAt,
    operation: undefined,
    stream: false,
    project: undefined,
    route: undefined,
    model: undefined,
    backend: undefined,
    attempts: 0,
    fallbacks: 0,
    upstreamMs: 0,
    firstTokenAt: undefined,
    usage: undefined,
    stopReason: undefined,
    status: undefined,
    error: undefined,
    finishedAt: undefined,
  }
  // A listener that throws must cost the client nothing: the answer is already decided.
  const tell = (event: 'started' | 'finished'): void => {
    for (const listener of listeners) {
      try {
        listener[event]?.(record)
      } catch (error) {
        onListenerError(error)
      }
    }
  }
  return {
    record,
    start(operation, stream) {
      if (record.operation !== undefined) return
      record.operation = operation
      record.stream = stream
      tell('started')
    },
    finish(now) {
      if (record.finishedAt !== undefined) return
      record.finishedAt = now
      tell('finished')
    },
    addUpstreamTime(since, now) {
      record.upstreamMs += now - since
    },
  }
}

/** `x-strata-overhead-ms`: overheadMs on the answer (middleware/overhead-header.ts, a stream's head). */
export const OVERHEAD_HEADER = 'x-strata-overhead-ms'

/** Milliseconds the gateway itself spent on the request so far. */
export function overheadMs(record: Readonly<RequestRecord>, now: number): number {
  return Math.max(0, now - record.startedAt - record.upstreamMs)
}
