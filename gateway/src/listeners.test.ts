import { readFile } from 'node:fs/promises'
import { request } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { listenOn, type Listeners } from './listeners.ts'

let listeners: Listeners | undefined

afterEach(async () => {
  await new Promise<void>((resolve) => {
    if (listeners === undefined) resolve()
    else listeners.close(resolve)
  })
  listeners = undefined
})

// Sockets in state LISTEN (0A) on this local port, from the kernel's table of IPv4 sockets.
async function listeningSockets(port: number): Promise<number> {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0')
  const rows = (await readFile('/proc/net/tcp', 'utf8')).trim().split('\n').slice(1)
  return rows.filter((row) => {
    const [, local, , state] = row.trim().split(/\s+/)
    return local?.endsWith(`:${hexPort}`) === true && state === '0A'
  }).length
}

// A fresh connection per request, so that the kernel picks a socket for each.
function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/', agent: false }, (response) => {
      let body = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => (body += chunk))
      response.on('end', () => {
        resolve(body)
      })
    })
      .on('error', reject)
      .end()
  })
}

describe('the listening sockets of one port', () => {
  it('serves one port from every socket, with the backlog asked for, and closes them all', async () => {
    const served = new Map<number, number>()
    let next = 0
    const handlers = new WeakMap<object, number>()
    listeners = await listenOn(
      (req, res) => {
        // Node gives each accepted socket a `server` (not in its types): the listening socket's.
        const server = (req.socket as unknown as { server: object }).server
        if (!handlers.has(server)) handlers.set(server, next++)
        const index = handlers.get(server) ?? -1
        served.set(index, (served.get(index) ?? 0) + 1)
        res.end(String(index))
      },
      { port: 0, host: '127.0.0.1', count: 8 },
    )
    expect(listeners.servers).toHaveLength(8)
    const { port } = listeners
    // The kernel lists one listening socket per server on the port.
    expect(await listeningSockets(port)).toBe(8)

    await Promise.all(Array.from({ length: 200 }, () => get(port)))
    // New connections are spread over the sockets, not all taken by one.
    expect(served.size).toBeGreaterThan(1)
    expect([...served.values()].reduce((sum, count) => sum + count, 0)).toBe(200)

    const closed = listeners
    listeners = undefined
    await new Promise<void>((resolve) => {
      closed.close(resolve)
    })
    await expect(get(port)).rejects.toThrow(/ECONNREFUSED/)
  })

  it('keeps the port from a socket that does not share it', async () => {
    listeners = await listenOn((_req, res) => res.end('first'), {
      port: 0,
      host: '127.0.0.1',
      count: 2,
    })
    // A plain socket (no SO_REUSEPORT) cannot join the port the gateway holds.
    const { createServer } = await import('node:net')
    const other = createServer()
    const error = await new Promise<NodeJS.ErrnoException>((resolve) => {
      other.once('error', resolve)
      other.listen(listeners?.port, '127.0.0.1')
    })
    expect(error.code).toBe('EADDRINUSE')
  })
})
