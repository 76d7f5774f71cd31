// `x-strata-overhead-ms`: the milliseconds this request spent in the gateway itself, so a client
// can tell the gateway's share of a slow answer from the model's (LiteLLM's
// x-litellm-overhead-duration-ms is the same idea). On a JSON answer it is final but for the body
// write. A stream's headers leave before its body, so there it is the overhead up to the first
// byte; the whole stream's figure is in strata_gateway_overhead_seconds and the access log.
import type { MiddlewareHandler } from 'hono'
import type { GatewayEnv } from '../app-deps.ts'
import { overheadMs } from '../observe/request-record.ts'

export const OVERHEAD_HEADER = 'x-strata-overhead-ms'

export interface OverheadHeaderOptions {
  /** Monotonic milliseconds, the clock of the request record. */
  now: () => number
}

/** Runs inside recordRequest on /v1/*, so the record exists and is still open. */
export function overheadHeader(options: OverheadHeaderOptions): MiddlewareHandler<GatewayEnv> {
  return async function addOverheadHeader(c, next) {
    await next()
    const open = c.get('record')
    // A started stream wrote its own header (routes/sse-response.ts) before its first byte.
    if (open.record.stream && c.res.status === 200) return
    try {
      c.res.headers.set(OVERHEAD_HEADER, overheadMs(open.record, options.now()).toFixed(2))
    } catch {
      // A response with immutable headers (one passed through from fetch) goes out without it:
      // the figure is informative, never worth failing the answer for.
    }
  }
}
