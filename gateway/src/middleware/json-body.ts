// Reads the request body as JSON under a size limit. The limit is enforced while reading, so a
// client that lies in Content-Length, or sends chunked, cannot make us buffer more than the limit.
import type { IncomingMessage } from 'node:http'
import type { MiddlewareHandler } from 'hono'
import type { GatewayEnv } from '../gateway-env.ts'
import { GatewayError } from '../errors/gateway-error.ts'
import { nodeRequestOf } from '../node-env.ts'
import { checkJsonDepth } from '../openai/json-depth.ts'
import { gatewayError, invalidRequest } from '../errors/catalogue.ts'

export interface JsonBodyOptions {
  maxBytes: number
}

const tooLarge = (maxBytes: number): GatewayError =>
  gatewayError(
    'request_too_large',
    `The request body is larger than the limit of ${maxBytes} bytes.`,
  )

const notJson = (): GatewayError =>
  gatewayError(
    'invalid_json',
    'We could not parse the JSON body of your request. The API expects a JSON payload, but what was sent was not valid JSON.',
  )

async function readLimited(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<Buffer> {
  const parts: Uint8Array[] = []
  let size = 0
  const reader = body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return Buffer.concat(parts, size)
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel()
      throw tooLarge(maxBytes)
    }
    parts.push(value)
  }
}

// Under @hono/node-server the Node request itself is at hand: reading it directly skips the Web
// stream the adapter would build around it, about a third of the gateway's CPU per request
// (docs/gateway-performance.md). Past the limit the rest is read and thrown away rather than the
// socket destroyed, so that a chunked upload still gets its 413.
function readIncoming(incoming: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer): void => {
      size += chunk.byteLength
      if (size <= maxBytes) {
        parts.push(chunk)
        return
      }
      incoming.off('data', onData)
      incoming.resume()
      reject(tooLarge(maxBytes))
    }
    incoming.on('data', onData)
    incoming.once('end', () => {
      resolve(Buffer.concat(parts, size))
    })
    incoming.once('error', reject)
  })
}

export function jsonBody(options: JsonBodyOptions): MiddlewareHandler<GatewayEnv> {
  return async function readJsonBody(c, next) {
    const declared = Number(c.req.header('content-length') ?? 0)
    if (declared > options.maxBytes) throw tooLarge(options.maxBytes)
    const incoming = nodeRequestOf(c.env)
    let bytes: Buffer
    if (incoming !== undefined) {
      bytes = await readIncoming(incoming, options.maxBytes)
    } else {
      const stream = c.req.raw.body
      if (stream === null) throw invalidRequest('The request has no body; send a JSON object.')
      bytes = await readLimited(stream, options.maxBytes)
    }
    let value: unknown
    try {
      value = JSON.parse(bytes.toString('utf8'))
    } catch {
      throw notJson()
    }
    checkJsonDepth(value)
    c.set('body', value)
    await next()
  }
}
