import { createServer, type Server } from 'node:http'
import { connect } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { clientErrorRefusal, onClientError } from './client-error.ts'

let server: Server | undefined

afterEach(async () => {
  const running = server
  server = undefined
  if (running !== undefined) await new Promise((resolve) => running.close(resolve))
})

async function listen(): Promise<number> {
  const started = createServer((_request, response) => response.end('ok'))
  started.on('clientError', onClientError)
  server = started
  await new Promise<void>((resolve) => started.listen(0, '127.0.0.1', resolve))
  const address = started.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

function send(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port })
    const chunks: Buffer[] = []
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('error', reject)
    socket.on('close', () => {
      resolve(Buffer.concat(chunks).toString('utf8'))
    })
    socket.write(bytes)
  })
}

describe('onClientError', () => {
  it.each([
    ['oversized headers', `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
    ['a malformed request line', 'HELLO\r\n\r\n', 400],
    ['a NUL in a header', 'GET / HTTP/1.1\r\nHost: x\r\nX-A: b\u0000c\r\n\r\n', 400],
    [
      'Content-Length with Transfer-Encoding',
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      400,
    ],
  ])(
    'answers %s with the status Node picks and an OpenAI-shaped body',
    async (_name, bytes, status) => {
      const answer = await send(await listen(), bytes)
      const [head = '', body = ''] = answer.split('\r\n\r\n')
      expect(head).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `))
      expect(head).toContain('Content-Type: application/json')
      expect(JSON.parse(body)).toEqual({
        error: {
          message: expect.any(String) as unknown,
          type: 'invalid_request_error',
          param: null,
          code: expect.any(String) as unknown,
        },
      })
    },
  )

  it('names a timeout as one', () => {
    expect(clientErrorRefusal('ERR_HTTP_REQUEST_TIMEOUT')).toMatchObject({
      status: 408,
      body: { error: { type: 'timeout_error', code: 'request_timeout' } },
    })
  })
})
