// The Node request and response behind a Hono context, when @hono/node-server serves the app (it
// passes them as `env.incoming` and `env.outgoing`); undefined under app.request() in tests.
// Reading and writing them directly skips the Web Request and Response objects the adapter would
// otherwise build, a visible share of a request's CPU (docs/gateway-performance.md).
import { IncomingMessage, ServerResponse } from 'node:http'

export function nodeRequestOf(env: unknown): IncomingMessage | undefined {
  if (typeof env !== 'object' || env === null || !('incoming' in env)) return undefined
  return env.incoming instanceof IncomingMessage ? env.incoming : undefined
}

export function nodeResponseOf(env: unknown): ServerResponse | undefined {
  if (typeof env !== 'object' || env === null || !('outgoing' in env)) return undefined
  return env.outgoing instanceof ServerResponse ? env.outgoing : undefined
}
