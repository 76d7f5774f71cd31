import { createServer, Agent, get, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { trackConnections } from './connection-drain.ts'

let server: Server | undefined
afterEach(
  () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
)

/** A server whose responses take 100 ms; `/stream` sends its head at once and the body later. */
function start() {
  const started = createServer((req, res) => {
    if (req.url === '/stream') res.writeHead(200).write('first ')
    setTimeout(() => res.end('done'), 100)
  })
  server = started
  const connections = trackConnections([started])
  return new Promise<{ port: number; start: () => void }>((resolve) => {
    started.listen(0, '127.0.0.1', () =>
      resolve({ port: (started.address() as AddressInfo).port, start: () => connections.start() }),
    )
  })
}

/** One request on the agent; resolves with the Connection header and whether the socket closed. */
function request(port: number, agent: Agent, path = '/') {
  return new Promise<{ connection: string | undefined; socketClosed: boolean }>(
    (resolve, reject) => {
      get({ port, agent, path, host: '127.0.0.1' }, (res: IncomingMessage) => {
        // Captured now: a kept-alive socket is detached from the response when it goes back to the pool.
        const socket = res.socket
        let socketClosed = false
        socket.once('close', () => (socketClosed = true))
        res.resume()
        res.on('end', () => {
          // The socket's end arrives right after the last byte.
          setTimeout(() => resolve({ connection: res.headers.connection, socketClosed }), 50)
        })
      }).on('error', reject)
    },
  )
}

describe('trackConnections', () => {
  it('keeps connections alive until the drain starts', async () => {
    const { port } = await start()
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    expect(await request(port, agent)).toEqual({ connection: 'keep-alive', socketClosed: false })
    agent.destroy()
  })

  it('closes the connection of a response in flight whose head is not sent yet', async () => {
    const { port, start: drain } = await start()
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    const pending = request(port, agent)
    setTimeout(drain, 20)
    expect(await pending).toEqual({ connection: 'close', socketClosed: true })
    agent.destroy()
  })

  it('ends the socket after the last byte of a stream whose head was already sent', async () => {
    const { port, start: drain } = await start()
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    const pending = request(port, agent, '/stream')
    setTimeout(drain, 20)
    expect(await pending).toEqual({ connection: 'keep-alive', socketClosed: true })
    agent.destroy()
  })

  it('closes the connection of every response that starts during the drain', async () => {
    const { port, start: drain } = await start()
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    drain()
    expect(await request(port, agent)).toEqual({ connection: 'close', socketClosed: true })
    agent.destroy()
  })
})
