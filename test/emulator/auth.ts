// What a caller authenticated with, read from the Authorization header. SigV4 credential scope per
// the AWS "Signature Version 4" docs: Credential=<akid>/<date>/<region>/<service>/aws4_request.
// Bearer is Bedrock API key auth (docs/reference/bedrock-runtime.md). Nothing is verified: tests
// assert on it.
import { z } from 'zod'

export const recordedAuthSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('sigv4'),
    accessKeyId: z.string(),
    region: z.string(),
    service: z.string(),
  }),
  z.object({ kind: z.literal('bearer'), token: z.string() }),
  z.object({ kind: z.literal('none') }),
])

export type RecordedAuth = z.infer<typeof recordedAuthSchema>

const sigv4Credential =
  /^AWS4-HMAC-SHA256\s.*Credential=([^/\s,]+)\/\d{8}\/([^/\s,]+)\/([^/\s,]+)\/aws4_request/
const bearer = /^Bearer\s+(\S+)\s*$/i

export function parseAuthorization(header: string | undefined): RecordedAuth {
  if (header === undefined) return { kind: 'none' }
  const sigv4 = sigv4Credential.exec(header)
  if (sigv4?.[1] !== undefined && sigv4[2] !== undefined && sigv4[3] !== undefined) {
    return { kind: 'sigv4', accessKeyId: sigv4[1], region: sigv4[2], service: sigv4[3] }
  }
  const token = bearer.exec(header)?.[1]
  if (token !== undefined) return { kind: 'bearer', token }
  return { kind: 'none' }
}
