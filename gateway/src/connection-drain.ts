// Keep-alive and a drain: a pod that is going away must not leave clients holding a connection it
// is about to close, or the client's next request on it fails. Once the gateway is stopping, every
// response closes its connection when it ends (`Connection: close` where the head is not yet sent,
// the socket ended right after the last byte where it is), so clients reconnect through the
// Service to another pod. Node's own server.close() keeps serving idle keep-alive sockets.
import type { Server, ServerResponse } from 'node:http'

export interface ConnectionDrain {
  /** From now on, every response in flight or to come ends its connection. */
  start(): void
}

function closeAfter(res: ServerResponse): void {
  if (!res.headersSent) res.shouldKeepAlive = false
  else {
    // Captured now: Node detaches a kept-alive socket from its response as the response finishes.
    const socket = res.socket
    res.once('finish', () => socket?.end())
  }
}

/** Follows every response of these servers (the sockets of one port, listeners.ts). */
export function trackConnections(servers: readonly Server[]): ConnectionDrain {
  const open = new Set<ServerResponse>()
  let draining = false
  // One listener for every response: this runs on each request, so it allocates nothing.
  const forget = function (this: ServerResponse): void {
    open.delete(this)
  }
  const onRequest = (_req: unknown, res: ServerResponse): void => {
    if (draining) {
      closeAfter(res)
      return
    }
    open.add(res)
    res.on('close', forget)
  }
  for (const server of servers) server.on('request', onRequest)
  return {
    start() {
      draining = true
      for (const res of open) closeAfter(res)
      open.clear()
    },
  }
}
