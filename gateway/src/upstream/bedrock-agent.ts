// The connection pool every Bedrock client uses when none is passed in. Bedrock speaks HTTP/1.1,
// one exchange per connection at a time, so a cap on connections is a cap on concurrent calls: with
// the former 128, stream 129 waited for a whole answer to finish before its first byte, which at
// 1,000 concurrent streams meant seconds of added time to first token (docs/benchmarks.md). Each
// upstream call serves a client request the gateway already accepted, so the gateway's own
// concurrency bounds the pool; idle connections are kept for reuse and closed after 30 s. New
// connections get the connect timeout of the route they are opened for (connect-timeout.ts).
// Reference: undici Agent/Pool options (https://undici.nodejs.org/#/docs/api/Pool).
import { Agent } from 'undici'
import { routeAwareConnector } from './connect-timeout.ts'

export function createBedrockAgent(): Agent {
  return new Agent({ keepAliveTimeout: 30_000, connections: null, connect: routeAwareConnector() })
}
