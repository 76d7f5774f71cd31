// The client credentials Secret `<project>-openai`: OPENAI_BASE_URL and OPENAI_API_KEY, so a pod
// with `envFrom` on it works with any OpenAI SDK. Only the key's SHA-256 leaves the Secret (into
// the routing table). Rotation is asked for with an annotation on the BedrockProject; the old key
// keeps working for a grace period so running pods can pick up the new one. Pure: the caller
// supplies the random key, the clock and the existing Secret.
import { createHash } from 'node:crypto'
import type { ClientKey } from '@strata/crds'

export const ROTATE_ANNOTATION = 'strata.dev/rotate-key'
const ROTATED_FOR = 'strata.dev/rotated-for'
const PREVIOUS_HASH = 'strata.dev/previous-key-sha256'
const PREVIOUS_NOT_AFTER = 'strata.dev/previous-key-not-after'

export interface SecretState {
  data?: Record<string, string> | undefined
  annotations?: Record<string, string> | undefined
}

export interface CredentialsInput {
  existing: SecretState | undefined
  /** Value of the rotate annotation on the BedrockProject, if any. */
  rotateRequest: string | undefined
  baseUrl: string
  newKey: () => string
  now: Date
  graceSeconds: number
}

export interface CredentialsPlan {
  /** Secret data and annotations to apply (plain strings; encoded by the writer). */
  stringData: { OPENAI_BASE_URL: string; OPENAI_API_KEY: string }
  annotations: Record<string, string>
  keys: ClientKey[]
  rotated: boolean
}

export const sha256Hex = (value: string): string => createHash('sha256').update(value).digest('hex')

const decode = (value: string | undefined): string | undefined =>
  value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8')

export function secretName(projectName: string): string {
  return `${projectName}-openai`
}

export function planCredentials(input: CredentialsInput): CredentialsPlan {
  const annotations = { ...(input.existing?.annotations ?? {}) }
  const currentKey = decode(input.existing?.data?.['OPENAI_API_KEY'])
  const wantsRotation =
    input.rotateRequest !== undefined && input.rotateRequest !== annotations[ROTATED_FOR]
  let key = currentKey
  let rotated = false
  if (key === undefined || wantsRotation) {
    if (key !== undefined) {
      annotations[PREVIOUS_HASH] = sha256Hex(key)
      annotations[PREVIOUS_NOT_AFTER] = new Date(
        input.now.getTime() + input.graceSeconds * 1000,
      ).toISOString()
      rotated = true
    }
    key = input.newKey()
  }
  if (input.rotateRequest !== undefined) annotations[ROTATED_FOR] = input.rotateRequest

  const keys: ClientKey[] = [{ sha256: sha256Hex(key) }]
  const previous = annotations[PREVIOUS_HASH]
  const notAfter = annotations[PREVIOUS_NOT_AFTER]
  const graceRunning = previous && notAfter && Date.parse(notAfter) > input.now.getTime()
  if (graceRunning) keys.push({ sha256: previous, notAfter })
  const kept = graceRunning
    ? annotations
    : Object.fromEntries(
        Object.entries(annotations).filter(
          ([name]) => name !== PREVIOUS_HASH && name !== PREVIOUS_NOT_AFTER,
        ),
      )
  return {
    stringData: { OPENAI_BASE_URL: input.baseUrl, OPENAI_API_KEY: key },
    annotations: kept,
    keys,
    rotated,
  }
}
