// A bound on the model requests one gateway process works on at once. Past its capacity a process
// that queues everything slows down for everyone (latencies of seconds, then timeouts); one that
// refuses the excess at once, with a retryable 503 and Retry-After, keeps the admitted requests
// fast, lets clients and the load balancer try another replica, and recovers as soon as the load
// drops. A request counts from admission until its record closes (a stream: its last byte).
import type { MiddlewareHandler } from 'hono'
import type { GatewayEnv } from '../gateway-env.ts'
import { GatewayError } from '../errors/gateway-error.ts'
import type { RecordListener, RequestRecord } from '../observe/request-record.ts'
import { gatewayError } from '../errors/catalogue.ts'

export interface Admission {
  /** Admits the request or refuses it at once; placed before authentication and the body. */
  admit: MiddlewareHandler<GatewayEnv>
  /** Frees an admitted request's place when its record closes. */
  listener: RecordListener
  inFlight(): number
}

const overloaded = (): GatewayError =>
  gatewayError('overloaded', 'The gateway is at capacity. Please retry after a short wait.', {
    retryAfterSeconds: 1,
  })

/** createAdmission bounds model requests in flight at `maxInFlight`. */
export function createAdmission(maxInFlight: number): Admission {
  let inFlight = 0
  const admitted = new WeakSet<RequestRecord>()
  return {
    admit: async function admit(c, next) {
      if (inFlight >= maxInFlight) throw overloaded()
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
  }
}
