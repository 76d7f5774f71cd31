// Reads the request body as JSON under a size limit. The limit is enforced while reading, so a
// client that lies in Content-Length, or sends chunked, cannot make us buffer more than the limit.
import type { MiddlewareHandler } from 'hono'
import type { GatewayEnv } from '../app-deps.ts'
import { GatewayError, invalidRequest } from '../errors/gateway-error.ts'

export interface JsonBodyOptions {
  maxBytes: number
}

const tooLarge = (maxBytes: number): GatewayError =>
  new GatewayError(
    413,
    'invalid_request_error',
    `The request body is larger than the limit of ${maxBytes} bytes.`,
    {
      code: 'request_too_large',
    },
  )

const notJson = (): GatewayError =>
  new GatewayError(
    400,
    'invalid_request_error',
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

export function jsonBody(options: JsonBodyOptions): MiddlewareHandler<GatewayEnv> {
  return async function readJsonBody(c, next) {
    const declared = Number(c.req.header('content-length') ?? 0)
    if (declared > options.maxBytes) throw tooLarge(options.maxBytes)
    const stream = c.req.raw.body
    if (stream === null) throw invalidRequest('The request has no body; send a JSON object.')
    const bytes = await readLimited(stream, options.maxBytes)
    let value: unknown
    try {
      value = JSON.parse(bytes.toString('utf8'))
    } catch {
      throw notJson()
    }
    c.set('body', value)
    await next()
  }
}
