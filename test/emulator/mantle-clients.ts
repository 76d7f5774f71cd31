// Clients for the emulated Mantle surfaces, configured the way Mantle is called from TypeScript
// (docs/reference/mantle.md): the `openai` SDK with a Bedrock API key as `apiKey`, or plain fetch
// signed with SigV4 for service `bedrock-mantle` (@smithy/signature-v4; no AWS SDK client exists).
import { createHash, createHmac } from 'node:crypto'
import { SignatureV4 } from '@smithy/signature-v4'
import OpenAI, { type ClientOptions } from 'openai'
import type { MantlePrefix } from './mantle-models.ts'

export const testApiKey = 'bedrock-api-key-TEST'

export function mantleClient(
  url: string,
  prefix: MantlePrefix = '/v1',
  options: ClientOptions = {},
): OpenAI {
  return new OpenAI({ baseURL: `${url}${prefix}`, apiKey: testApiKey, maxRetries: 0, ...options })
}

type Bytes = string | ArrayBuffer | ArrayBufferView

function toBuffer(data: Bytes): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8')
  if (data instanceof ArrayBuffer) return Buffer.from(data)
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength)
}

/** SHA-256 (keyed: HMAC) in the shape SignatureV4 expects of its `sha256` constructor. */
class Sha256 {
  readonly #hash: ReturnType<typeof createHash> | ReturnType<typeof createHmac>

  constructor(secret?: Bytes) {
    this.#hash =
      secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(secret))
  }

  update(data: Bytes): void {
    this.#hash.update(toBuffer(data))
  }

  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.#hash.digest()))
  }
}

export interface SignedRequest {
  method: string
  body?: unknown
  service?: string
  region?: string
  headers?: Record<string, string>
}

/** fetch with an `AWS4-HMAC-SHA256` Authorization header; the body is sent as JSON. */
export async function signedFetch(url: string, request: SignedRequest): Promise<Response> {
  const target = new URL(url)
  const body = request.body === undefined ? undefined : JSON.stringify(request.body)
  const signer = new SignatureV4({
    service: request.service ?? 'bedrock-mantle',
    region: request.region ?? 'us-east-1',
    credentials: { accessKeyId: 'AKIDMANTLE', secretAccessKey: 'secret' },
    sha256: Sha256,
  })
  const signed = await signer.sign({
    method: request.method,
    protocol: target.protocol,
    hostname: target.hostname,
    port: Number(target.port),
    path: target.pathname,
    query: Object.fromEntries(target.searchParams),
    headers: {
      host: target.host,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...request.headers,
    },
    body,
  })
  return fetch(url, { method: request.method, headers: signed.headers, body: body ?? null })
}
