// The SHA-256 / HMAC-SHA-256 checksum class @smithy/signature-v4 expects (smithy `Checksum`:
// `new (secret?)`, `update`, async `digest`, `reset`), backed by node:crypto so the hot path pulls
// in no browser crypto shims. Reference: @smithy/types checksum.d.ts.
import { createHash, createHmac } from 'node:crypto'

type SourceData = string | ArrayBuffer | ArrayBufferView
type Digest = ReturnType<typeof createHash> | ReturnType<typeof createHmac>

function toBytes(data: SourceData): Uint8Array {
  if (typeof data === 'string') return Buffer.from(data, 'utf8')
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  return new Uint8Array(data)
}

/** Sha256 hashes, or with a secret computes an HMAC, as SigV4 needs. */
export class Sha256 {
  readonly #secret: Uint8Array | undefined
  #hash: Digest

  constructor(secret?: SourceData) {
    this.#secret = secret === undefined ? undefined : toBytes(secret)
    this.#hash = this.#fresh()
  }

  update(chunk: SourceData): void {
    this.#hash.update(toBytes(chunk))
  }

  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.#hash.digest()))
  }

  reset(): void {
    this.#hash = this.#fresh()
  }

  #fresh(): Digest {
    return this.#secret === undefined ? createHash('sha256') : createHmac('sha256', this.#secret)
  }
}
