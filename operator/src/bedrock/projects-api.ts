// The Bedrock Projects API (OpenAI-compatible, on bedrock-mantle under /v1/organization/projects).
// No AWS SDK client exists, so we call it over HTTP. Shapes: the AWS user guide's "Projects
// (OpenAI-compatible)" page and OpenAI's project object.
// Lenient with what comes back: unknown fields pass, only what we use is checked.
import { z } from 'zod'

export const projectSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  arn: z.string().optional(),
  status: z.string(),
  tags: z.record(z.string(), z.string()).optional().default({}),
  created_at: z.number().optional(),
})
export type Project = z.infer<typeof projectSchema>

export const projectListSchema = z.looseObject({
  data: z.array(projectSchema),
  has_more: z.boolean().optional().default(false),
  last_id: z.string().nullish(),
})

export const apiErrorSchema = z.looseObject({
  error: z.looseObject({
    message: z.string().optional(),
    type: z.string().nullish(),
    code: z.string().nullish(),
  }),
})

/** An HTTP call to bedrock-mantle, already authenticated (SigV4 `bedrock-mantle` or a bearer key). */
export interface MantleHttp {
  request(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown; retryAfterSeconds?: number }>
}

export class BedrockApiError extends Error {
  readonly status: number
  readonly retryable: boolean
  readonly retryAfterSeconds: number | undefined

  constructor(status: number, message: string, retryAfterSeconds?: number) {
    super(message)
    this.name = 'BedrockApiError'
    this.status = status
    this.retryable = status === 429 || status >= 500
    this.retryAfterSeconds = retryAfterSeconds
  }

  /** A short CamelCase reason for conditions and events. */
  get reason(): string {
    if (this.status === 429) return 'BedrockThrottled'
    if (this.status === 401 || this.status === 403) return 'BedrockAccessDenied'
    if (this.status >= 500) return 'BedrockUnavailable'
    return 'BedrockRequestRejected'
  }
}
