// `node test/bench/bare-proxy.ts --upstream URL [--port N]`: the smallest useful Node data plane,
// a pass-through proxy on node:http with a keep-alive agent. It does no parsing, auth or
// translation, so its cost is the practical floor of any Node gateway: the benchmark reports
// Strata's cost as a ratio against it. Prints `BARE_PROXY_URL=…` once listening.
import { Agent, createServer, request, type OutgoingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { parseArgs } from 'node:util'

const { values } = parseArgs({
  options: { upstream: { type: 'string' }, port: { type: 'string', default: '0' } },
})
if (values.upstream === undefined) {
  process.stderr.write('usage: bare-proxy.ts --upstream URL [--port N]\n')
  process.exit(2)
}
const upstream = new URL(values.upstream)
// No socket cap, like Strata's upstream pool: a cap would queue streams behind whole answers.
const agent = new Agent({ keepAlive: true })

// Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection and must not be forwarded.
const hopByHop = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'host'])

function forwardable(headers: Record<string, string | string[] | undefined>): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !hopByHop.has(name)) out[name] = value
  }
  return out
}

const server = createServer((req, res) => {
  const outgoing = request(
    {
      agent,
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: forwardable(req.headers),
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, forwardable(answer.headers))
      answer.pipe(res)
    },
  )
  outgoing.on('error', () => {
    if (!res.headersSent) res.writeHead(502).end()
    else res.destroy()
  })
  res.on('close', () => {
    if (!res.writableFinished) outgoing.destroy()
  })
  req.pipe(outgoing)
})
server.keepAliveTimeout = 30_000

server.listen(Number(values.port), '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo
  process.stdout.write(`BARE_PROXY_URL=http://127.0.0.1:${String(port)}\n`)
})

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    server.close(() => process.exit(0))
    server.closeAllConnections()
  })
}
