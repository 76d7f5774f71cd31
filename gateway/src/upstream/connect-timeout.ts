// A route's connect timeout (limits.timeouts.connectMs) for the connections opened on its behalf.
// undici fixes the connect timeout per connection pool, not per request, and each Bedrock client
// has one pool for every route; so an attempt runs inside withConnectTimeout, and the pool's
// connector reads the value when it opens a connection for that attempt. The timeout covers
// opening the connection (TCP and TLS); a connection once open is reused by any route.
// Reference: undici connector options (https://undici.nodejs.org/#/docs/api/Connector).
import { AsyncLocalStorage } from 'node:async_hooks'
import { buildConnector } from 'undici'

/** undici's own default, kept when no route says otherwise. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000

// Routes set few distinct values; past this many, connectors are built per connection instead of
// kept, so a table with thousands of different values cannot grow the map without bound.
const MAX_KEPT_CONNECTORS = 32

const current = new AsyncLocalStorage<number>()

export function withConnectTimeout<T>(ms: number, run: () => T): T {
  return current.run(ms, run)
}

export function connectTimeoutMs(): number {
  return current.getStore() ?? DEFAULT_CONNECT_TIMEOUT_MS
}

/** An undici connector whose timeout is that of the attempt opening the connection. */
export function routeAwareConnector(): buildConnector.connector {
  const kept = new Map<number, buildConnector.connector>()
  return (options, callback) => {
    const timeout = connectTimeoutMs()
    let connector = kept.get(timeout)
    if (connector === undefined) {
      connector = buildConnector({ timeout })
      if (kept.size < MAX_KEPT_CONNECTORS) kept.set(timeout, connector)
    }
    connector(options, callback)
  }
}
