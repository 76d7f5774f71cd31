import { createServer, Agent, get, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { trackConnections } from './connection-drain.ts'

let server: Server | undefined
afterEach(
  () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
)

/**
 * A server whose responses take 100 ms; `/stream` sends its head at once and the body later.
 * `arrived` settles once a request has reached every `request` listener, the tracker's included.
 */
function start() {
  let arrive: () => void = () => undefined
  const arrived = new Promise<void>((resolve) => (arrive = resolve))
  const started = createServer((req, res) => {
    if (req.url === '/stream') res.writeHead(200).write('first ')
    setTimeout(() => res.end('done'), 100)
    arrive()
  })
  server = started
  const connections = trackConnections([started])
  return new Promise<{ port: number; start: () => void; arrived: Promise<void> }>((resolve) => {
    started.listen(0, '127.0.0.1', () =>
      resolve({
        port: (started.address() as AddressInfo).port,
        start: () => connections.start(),
        arrived,
      }),
    )
  })
}

/**
 * One request on the agent; resolves with the Connection header and whether the socket closed
 * within `closeWithinMs` of the response's end. Waiting for the close event, not a fixed pause:
 * on a loaded machine the socket's end can come well after the last byte.
 */
function request(port: number, agent: Agent, path: string, closeWithinMs: number) {
  return new Promise<{ connection: string | undefined; socketClosed: boolean }>(
    (resolve, reject) => {
      get({ port, agent, path, host: '127.0.0.1' }, (res: IncomingMessage) => {
        // Captured now: a kept-alive socket is detached from the response when it goes back to the pool.
        const socket = res.socket
        const closed = new Promise<boolean>((settle) => {
          socket.once('close', () => settle(true))
          res.on('end', () => setTimeout(() => settle(false), closeWithinMs))
        })
        res.resume()
        void closed.then((socketClosed) =>
          resolve({ connection: res.headers.connection, socketClosed }),
        )
      }).on('error', reject)
    },
  )
}

// A socket that should close does so at once; 3 s only bounds a failing run. One that should
// stay open is watched for 50 ms, and a late check on a slow machine can only see it still open.
const CLOSES = 3_000
const STAYS_OPEN = 50

describe('trackConnections', () => {
  it('keeps connections alive until the drain starts', async () => {
    const { port } = await start()
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    expect(await request(port, agent, '/', STAYS_OPEN)).toEqual({
      connection: 'keep-alive',
      socketClosed: false,
    })
    agent.destroy()
  })

  // The drain starts once the request is in (not after a fixed pause, which a starved test
  // process overslept into the wrong case), 100 ms before its answer.
  it('closes the connection of a response in flight whose head is not sent yet', async () => {
    const { port, start: drain, arrived } = await start()
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    const pending = request(port, agent, '/', CLOSES)
    await arrived
    drain()
    expect(await pending).toEqual({ connection: 'close', socketClosed: true })
    agent.destroy()
  })

  it('ends the socket after the last byte of a stream whose head was already sent', async () => {
    const { port, start: drain, arrived } = await start()
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    const pending = request(port, agent, '/stream', CLOSES)
    await arrived
    drain()
    expect(await pending).toEqual({ connection: 'keep-alive', socketClosed: true })
    agent.destroy()
  })

  it('closes the connection of every response that starts during the drain', async () => {
    const { port, start: drain } = await start()
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    drain()
    expect(await request(port, agent, '/', CLOSES)).toEqual({
      connection: 'close',
      socketClosed: true,
    })
    agent.destroy()
  })
})
