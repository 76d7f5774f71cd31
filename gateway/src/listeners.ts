// The gateway's port, served by several listening sockets of one process (SO_REUSEPORT). Since
// libuv 1.45 (Node 20) a listening socket accepts one connection per turn of the event loop,
// counting on the next turn for the next one. A turn of a busy gateway takes tens of
// milliseconds, and a pod throttled by its CPU limit stops for most of every 100 ms period, so a
// burst of new connections (a ramp of streams, a fleet of clients reconnecting after a rollout)
// waited in the kernel's accept queue one turn each: measured at a 250m limit, 300 connections
// queued for about ten seconds while the streams already open were served on time. The kernel
// spreads new connections over the sockets of a port, and each turn accepts from every socket
// that has one waiting, so the sockets multiply the accept rate of a busy process.
// Reference: Node's server.listen `reusePort` (Linux 3.9+), libuv commit 6c692ad
// ("unix: don't accept() connections in a loop").
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * Listening sockets per process: new connections accepted per turn of a busy event loop. Linux
 * only: elsewhere SO_REUSEPORT does not spread connections over the sockets.
 */
export const LISTENERS = process.platform === 'linux' ? 16 : 1

/**
 * Connections the kernel queues per socket before it drops more. Node's default is 511; a burst
 * past it is dropped, and the client's TCP retries after 1 s, then 3 s. The kernel caps it at
 * net.core.somaxconn (4096 by default since Linux 5.4).
 */
export const LISTEN_BACKLOG = 4096

export interface Listeners {
  readonly servers: readonly Server[]
  readonly port: number
  closeIdleConnections(): void
  closeAllConnections(): void
  /** Stops accepting on every socket; `done` once every connection has closed. */
  close(done: () => void): void
}

function listen(server: Server, port: number, host: string, reusePort: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen({ port, host, backlog: LISTEN_BACKLOG, reusePort }, () => {
      server.off('error', reject)
      resolve((server.address() as AddressInfo).port)
    })
  })
}

/** Serves `handler` on host:port (0: a free port) through `count` sockets. */
export async function listenOn(
  handler: (request: IncomingMessage, response: ServerResponse) => unknown,
  options: { port: number; host: string; count?: number },
): Promise<Listeners> {
  const count = options.count ?? LISTENERS
  // The handler answers through `response`; what it returns (a promise for Hono's) is not awaited.
  const onRequest = (request: IncomingMessage, response: ServerResponse): void => {
    void handler(request, response)
  }
  const servers = Array.from({ length: count }, () => createServer(onRequest))
  const [first, ...rest] = servers
  if (first === undefined) throw new Error('listenOn needs at least one socket')
  // The first socket picks the port when asked for any; the others join it.
  const port = await listen(first, options.port, options.host, count > 1)
  await Promise.all(rest.map((server) => listen(server, port, options.host, true)))
  return {
    servers,
    port,
    closeIdleConnections: () => {
      for (const server of servers) server.closeIdleConnections()
    },
    closeAllConnections: () => {
      for (const server of servers) server.closeAllConnections()
    },
    close: (done) => {
      let open = servers.length
      for (const server of servers)
        server.close(() => {
          open -= 1
          if (open === 0) done()
        })
    },
  }
}
