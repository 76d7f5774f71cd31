import { execFileSync } from 'node:child_process'
import { request } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { LISTEN_BACKLOG, listenOn, type Listeners } from './listeners.ts'

let listeners: Listeners | undefined

afterEach(async () => {
  await new Promise<void>((resolve) => {
    if (listeners === undefined) resolve()
    else listeners.close(resolve)
  })
  listeners = undefined
})

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
      // Node calls a request listener with its server as `this`.
      function (this: object, _req, res) {
        if (!handlers.has(this)) handlers.set(this, next++)
        const index = handlers.get(this) ?? -1
        served.set(index, (served.get(index) ?? 0) + 1)
        res.end(String(index))
      },
      { port: 0, host: '127.0.0.1', count: 8 },
    )
    expect(listeners.servers).toHaveLength(8)
    const { port } = listeners
    // The kernel holds each socket's queue at the backlog asked for (capped by somaxconn).
    const sockets = execFileSync('ss', ['-tlnH', `( sport = :${String(port)} )`], {
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
    expect(sockets).toHaveLength(8)
    const somaxconn = Number(
      execFileSync('cat', ['/proc/sys/net/core/somaxconn'], { encoding: 'utf8' }),
    )
    for (const line of sockets)
      expect(Number(line.trim().split(/\s+/)[2])).toBe(Math.min(LISTEN_BACKLOG, somaxconn))

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
