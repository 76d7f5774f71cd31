// The gateway's layers, top to bottom (docs/architecture.md, "Folder layering"). A folder, or a
// file at the root of gateway/src, may import only what sits in a lower layer; two entries of one
// layer never import each other. The request path reads down this list: routes → pipeline →
// resilience → backends → translators → streaming → upstream → errors.
import type { Layers } from './import-graph.ts'

export const gatewayLayers: Layers = [
  ['server.ts'],
  [
    'config.ts',
    'server-observability.ts',
    'connection-drain.ts',
    'listeners.ts',
    'batched-lines.ts',
    'client-error.ts',
  ],
  ['app.ts'],
  // HTTP: handlers and middleware, both mounted by app.ts.
  ['routes/', 'middleware/'],
  // What runs a request once its route is known.
  ['pipeline/'],
  ['app-deps.ts'],
  ['limits/', 'auth/'],
  ['resilience/', 'dispatch/', 'kubernetes/'],
  ['gateway-env.ts'],
  ['backends/'],
  ['guardrails/', 'translators/'],
  ['models/', 'streaming/'],
  ['upstream/'],
  ['metrics/'],
  ['observe/'],
  ['routing/'],
  // The API contracts the gateway accepts: OpenAI's and Anthropic's request shapes.
  ['openai/', 'anthropic/'],
  ['errors/'],
  ['app-logger.ts', 'node-env.ts', 'random-ids.ts'],
]

// Pure folders: no HTTP framework, no network client, no Node built-ins (ids, clock and I/O come
// in through their arguments).
const impure = /^(hono|@hono\/|undici|node:)/

export const gatewayForbiddenPackages = new Map([
  ['translators/', impure],
  ['dispatch/', impure],
  ['models/', impure],
])
