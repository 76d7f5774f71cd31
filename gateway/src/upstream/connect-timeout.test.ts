// The route's connect timeout reaches the connection undici opens for the attempt. The server
// accepts TCP but never answers the TLS handshake, so only the connect timeout ends the wait.
import { createServer, type Server, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import { Agent, request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectTimeoutMs, routeAwareConnector, withConnectTimeout } from './connect-timeout.ts'

let server: Server
const sockets: Socket[] = []
let url: string

beforeAll(async () => {
  server = createServer((socket) => sockets.push(socket))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`
})

afterAll(async () => {
  for (const socket of sockets) socket.destroy()
  await new Promise((resolve) => server.close(resolve))
})

async function failureAfter(ms: number, agent: Agent): Promise<{ code: unknown; elapsed: number }> {
  const started = performance.now()
  const error: unknown = await withConnectTimeout(ms, () =>
    request(url, { dispatcher: agent }).then(
      () => undefined,
      (failure: unknown) => failure,
    ),
  )
  return { code: (error as { code?: unknown }).code, elapsed: performance.now() - started }
}

describe('connect timeout per attempt', () => {
  it('is the default outside any attempt, and the attempt’s inside it', () => {
    expect(connectTimeoutMs()).toBe(10_000)
    expect(withConnectTimeout(250, () => connectTimeoutMs())).toBe(250)
  })

  it(
    'bounds opening a connection by the value of the attempt that opens it',
    { timeout: 15_000 },
    async () => {
      const agent = new Agent({ connect: routeAwareConnector() })
      try {
        // undici's connect timers tick about every half second, so the two values are far apart.
        const short = await failureAfter(200, agent)
        const longer = await failureAfter(3_000, agent)
        expect(short.code).toBe('UND_ERR_CONNECT_TIMEOUT')
        expect(longer.code).toBe('UND_ERR_CONNECT_TIMEOUT')
        // Below the longer value is all the short one must be (not the default 10 s either): a
        // fixed 2 s left a starved process only about a second of slack over undici's ticks.
        expect(short.elapsed).toBeLessThan(2_900)
        expect(longer.elapsed).toBeGreaterThanOrEqual(2_900)
      } finally {
        await agent.close()
      }
    },
  )
})
