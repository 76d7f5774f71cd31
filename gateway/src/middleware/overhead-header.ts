// `x-strata-overhead-ms`: the milliseconds this request spent in the gateway itself, so a client
// can tell the gateway's share of a slow answer from the model's (LiteLLM's
// x-litellm-overhead-duration-ms is the same idea). On a JSON answer it is final but for the body
// write. A stream's headers leave before its body, so there it is the overhead up to the first
// byte; the whole stream's figure is in strata_gateway_overhead_seconds and the access log.
import type { Context } from 'hono'
import type { GatewayEnv } from '../gateway-env.ts'
import { nodeResponseOf } from '../node-env.ts'
import { OVERHEAD_HEADER, overheadMs, type OpenRecord } from '../observe/request-record.ts'

export interface OverheadHeaderOptions {
  /** Monotonic milliseconds, the clock of the request record. */
  now: () => number
}

/**
 * Sets the header on the answer just made. recordRequest calls it (its `onAnswer`) before it
 * closes the record: one middleware fewer on every request.
 */
export function overheadHeader(
  options: OverheadHeaderOptions,
): (c: Context<GatewayEnv>, open: OpenRecord) => void {
  return function addOverheadHeader(c, open) {
    // A started stream wrote its own header (pipeline/sse-response.ts) before its first byte.
    if (open.record.stream && c.res.status === 200) return
    const value = overheadMs(open.record, options.now()).toFixed(2)
    // Over Node the header goes straight onto the ServerResponse, which merges it into the head
    // it writes next. Reading c.res.headers instead makes the adapter turn its lightweight
    // Response's header record into a Headers object: about 1.5% of a request's CPU.
    const outgoing = nodeResponseOf(c.env)
    if (outgoing !== undefined && !outgoing.headersSent) {
      outgoing.setHeader(OVERHEAD_HEADER, value)
      return
    }
    try {
      c.res.headers.set(OVERHEAD_HEADER, value)
    } catch {
      // A response with immutable headers (one passed through from fetch) goes out without it:
      // the figure is informative, never worth failing the answer for.
    }
  }
}
