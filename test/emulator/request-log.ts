// Every request the emulator served, so tests can assert on what the gateway actually sent:
// headers, body, credentials, and whether the caller hung up before the answer was complete.
import type { IncomingHttpHeaders } from 'node:http'
import { z } from 'zod'
import { recordedAuthSchema } from './auth.ts'

export const recordedRequestSchema = z.object({
  requestId: z.string(),
  operation: z.string(),
  method: z.string(),
  path: z.string(),
  modelId: z.string().optional(),
  /** The `OpenAI-Project` header, when the caller named a project. */
  project: z.string().optional(),
  headers: z.record(z.string(), z.string()),
  // Absent for requests without a body (GET), which JSON drops on the way through the control API.
  body: z.unknown().optional(),
  auth: recordedAuthSchema,
  aborted: z.literal(true).optional(),
})

export type RecordedRequest = z.infer<typeof recordedRequestSchema>

/** Node already lowercases names; repeated headers are joined the way HTTP allows. */
export function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return flat
}

export class RequestLog {
  #records: RecordedRequest[] = []

  /** The returned record stays live: handlers fill in modelId and aborted as they learn them. */
  add(record: RecordedRequest): RecordedRequest {
    this.#records.push(record)
    return record
  }

  /** Copies, so callers holding a snapshot cannot change what later assertions see. */
  all(): RecordedRequest[] {
    return structuredClone(this.#records)
  }

  clear(): void {
    this.#records = []
  }
}
