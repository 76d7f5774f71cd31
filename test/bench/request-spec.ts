// One benchmark request: what every load generator sends to a target.
import { request, type Agent, type IncomingMessage } from 'node:http'

export interface RequestSpec {
  url: string
  headers: Record<string, string>
  body: string
}

/**
 * postSpec sends the spec's POST on `agent`, the way every load generator does: the answer goes
 * to `onResponse`; a connection error, or no answer within `timeoutMs`, to `onError`.
 */
export function postSpec(
  agent: Agent,
  spec: RequestSpec,
  url: URL,
  timeoutMs: number,
  onResponse: (response: IncomingMessage) => void,
  onError: (error: Error) => void,
): void {
  const outgoing = request(
    {
      agent,
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: 'POST',
      headers: { ...spec.headers, 'content-length': Buffer.byteLength(spec.body) },
    },
    onResponse,
  )
  outgoing.setTimeout(timeoutMs, () => outgoing.destroy())
  outgoing.on('error', onError)
  outgoing.end(spec.body)
}
