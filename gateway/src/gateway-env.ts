// The Hono environment of every request: who is calling (set by middleware/authenticate.ts), the
// parsed body and the request record. Apart from app-deps.ts so that the middleware of limits/ and
// auth/ can name it without importing what the whole app needs.
import type { Project } from '@strata/crds'
import type { OpenRecord } from './observe/request-record.ts'
import type { RoutingIndex } from './routing/routing-index.ts'

/** Who is calling, set by the authenticate middleware. */
export interface Caller {
  index: RoutingIndex
  project: Project
}

export interface GatewayEnv {
  Variables: {
    caller: Caller
    /** The parsed JSON request body, set by the jsonBody middleware. */
    body: unknown
    /** What this request did, set by the recordRequest middleware on /v1/* routes. */
    record: OpenRecord
  }
}
