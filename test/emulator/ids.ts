// Random identifiers in the alphabets AWS and OpenAI use for them: project ids (`proj_` + 20
// lowercase alphanumerics, docs/reference/mantle.md), application inference profile ids (12,
// docs/reference/bedrock-runtime.md), and the hex suffixes of OpenAI object ids (`chatcmpl-…`,
// `resp_…`, `call_…`).
import { randomBytes } from 'node:crypto'

const lowercase = 'abcdefghijklmnopqrstuvwxyz0123456789'

export function randomLowercase(length: number): string {
  // 36 does not divide 256; the slight bias is irrelevant for ids that only need to be unique.
  return [...randomBytes(length)].map((byte) => lowercase[byte % lowercase.length]).join('')
}

export function randomHex(length: number): string {
  return randomBytes(Math.ceil(length / 2))
    .toString('hex')
    .slice(0, length)
}
