// Random ids for completions and responses. Drawing from the CSPRNG once per id costs a syscall-
// backed fill and a Buffer per request; one fill of a 4 KiB pool serves a couple of hundred ids.
// The ids are unguessable labels, not secrets, and each byte of the pool is used once.
import { randomFillSync } from 'node:crypto'

export function createRandomBytes(poolSize = 4096): (count: number) => Buffer {
  const pool = Buffer.allocUnsafe(poolSize)
  let offset = poolSize
  return (count) => {
    if (count > poolSize) throw new RangeError(`at most ${String(poolSize)} random bytes at once`)
    if (offset + count > poolSize) {
      randomFillSync(pool)
      offset = 0
    }
    // A copy: the pool is refilled in place later.
    const bytes = Buffer.from(pool.subarray(offset, offset + count))
    offset += count
    return bytes
  }
}

const randomBytes = createRandomBytes()

export const newCompletionId = (): string => `chatcmpl-${randomBytes(18).toString('base64url')}`
// Hex, not base64url: item ids are derived from it with `_` separators.
export const newResponseId = (): string => `resp_${randomBytes(24).toString('hex')}`
