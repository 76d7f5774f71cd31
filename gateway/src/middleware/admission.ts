// A bound on the model requests one gateway process works on at once. Past its capacity a process
// that queues everything slows down for everyone (latencies of seconds, then timeouts); one that
// refuses the excess at once, with a retryable 503 and Retry-After, keeps the admitted requests
// fast, lets clients and the load balancer try another replica, and recovers as soon as the load
// drops. A request counts from admission until its record closes (a stream: its last byte).
//
// A fixed count does not know how much CPU the pod has: a replica given a quarter of a core is
// saturated long before a bound sized for a whole one. With --shed-loop-delay-ms the bound also
// adapts to the event loop's delay (adaptive-limit.ts), which is what saturation looks like from
// inside, whatever the CPU limit.
import type { Context, MiddlewareHandler } from 'hono'
import type { GatewayEnv } from '../gateway-env.ts'
import { GatewayError } from '../errors/gateway-error.ts'
import type { RecordListener, RequestRecord } from '../observe/request-record.ts'
import { gatewayError } from '../errors/catalogue.ts'
import { nextLimit, unlimited } from './adaptive-limit.ts'
import { nodeResponseOf } from '../node-env.ts'

export interface Admission {
  /** Admits the request or refuses it at once; placed before authentication and the body. */
  admit: MiddlewareHandler<GatewayEnv>
  /** Frees an admitted request's place when its record closes. */
  listener: RecordListener
  inFlight: () => number
  /** The limit the loop delay allows now; Infinity when it sets none. */
  adaptiveLimit: () => number
}

const overloaded = (why: string): GatewayError =>
  gatewayError('overloaded', `The gateway is ${why}. Please retry after a short wait.`, {
    retryAfterSeconds: 1,
  })

/**
 * The refusal closes its connection. The request's body is left unread, and the adapter closes a
 * connection whose body it cannot drain within half a second, which a starved process does late:
 * a client retrying on the kept-alive connection after Retry-After met that close as
 * ECONNRESET (16 of about 390 streams at a 250m CPU limit). A new connection also lets the
 * Service send the retry to another replica.
 */
function refuse(c: Context<GatewayEnv>, why: string): never {
  nodeResponseOf(c.env)?.setHeader('connection', 'close')
  throw overloaded(why)
}

export interface AdmissionBounds {
  /** Model requests in flight at most; 0 for no bound. */
  maxInFlight: number
  /** The event loop's smoothed delay (loop-delay-watch.ts) and the most it may be. */
  loop?: { delayMs: () => number; boundMs: number; now: () => number }
}

/** createAdmission refuses model requests past `maxInFlight` or past what the loop delay allows. */
export function createAdmission({ maxInFlight, loop }: AdmissionBounds): Admission {
  let inFlight = 0
  let adaptive = unlimited
  const admitted = new WeakSet<RequestRecord>()
  return {
    admit: async function admit(c, next) {
      if (maxInFlight > 0 && inFlight >= maxInFlight) refuse(c, 'at capacity')
      if (loop) {
        adaptive = nextLimit(
          adaptive,
          { delayMs: loop.delayMs(), inFlight, at: loop.now() },
          loop.boundMs,
        )
        if (inFlight >= adaptive.limit) refuse(c, 'too busy to start new work')
      }
      const { record } = c.get('record')
      admitted.add(record)
      inFlight += 1
      await next()
    },
    listener: {
      finished(record) {
        if (admitted.delete(record)) inFlight -= 1
      },
    },
    inFlight: () => inFlight,
    adaptiveLimit: () => adaptive.limit,
  }
}
