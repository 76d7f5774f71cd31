// Opens the request record (observe/request-record.ts) for every API request and closes it when a
// JSON answer or an error is sent. A stream that started is closed by the SSE response instead,
// when it really ends, so streams that end early or are abandoned are still counted.
import type { Context, MiddlewareHandler } from 'hono'
import type { GatewayEnv } from '../gateway-env.ts'
import { errorFields, type Logger } from '../app-logger.ts'
import { openRecord, type OpenRecord, type RecordListener } from '../observe/request-record.ts'

export interface RecordRequestOptions {
  listeners: readonly RecordListener[]
  logger: Logger
  /** Milliseconds on a monotonic clock; performance.now in production. */
  now: () => number
  /** Called with each answer before the record closes (the overhead header). */
  onAnswer?: (c: Context<GatewayEnv>, open: OpenRecord) => void
}

export function recordRequest(options: RecordRequestOptions): MiddlewareHandler<GatewayEnv> {
  const onListenerError = (error: unknown): void => {
    options.logger.error('a request listener failed', errorFields(error))
  }
  return async function record(c, next) {
    const open = openRecord(options.now(), options.listeners, onListenerError)
    c.set('record', open)
    await next()
    options.onAnswer?.(c, open)
    open.record.status ??= c.res.status
    if (!open.record.stream || c.res.status !== 200) open.finish(options.now())
  }
}
