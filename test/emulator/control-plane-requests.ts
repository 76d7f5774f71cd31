// Request shapes of the emulated Bedrock control plane (bedrock 2023-04-20 service model as
// bundled in @aws-sdk/client-bedrock: CreateInferenceProfileRequest, TagResourceRequest,
// UntagResourceRequest, ListTagsForResourceRequest, and the query members of the List
// operations) with the constraints Coral enforces, reported in its "N validation errors
// detected: Value … at '…' failed to satisfy constraint: …" wording.
import { z } from 'zod'

const namePattern = /^([0-9a-zA-Z][ _-]?)+$/
const tag = z.strictObject({ key: z.string().min(1).max(128), value: z.string().max(256) })

export const createProfileSchema = z.looseObject({
  inferenceProfileName: z
    .string()
    .min(1)
    .max(64)
    .regex(namePattern, 'Member must satisfy regular expression pattern: ([0-9a-zA-Z][ _-]?)+'),
  description: z.string().min(1).max(200).optional(),
  clientRequestToken: z.string().min(1).max(256).optional(),
  modelSource: z.strictObject({ copyFrom: z.string().min(1).max(2048) }),
  tags: z.array(tag).max(200).optional(),
})

const resourceArn = z.string().min(20).max(1011)

export const tagResourceSchema = z.looseObject({
  resourceARN: resourceArn,
  tags: z.array(tag).max(200),
})

export const untagResourceSchema = z.looseObject({
  resourceARN: resourceArn,
  tagKeys: z.array(z.string().min(1).max(128)).max(200),
})

export const listTagsSchema = z.looseObject({ resourceARN: resourceArn })

export const listProfilesQuerySchema = z.object({
  maxResults: z.coerce.number().int().min(1).max(1000).optional(),
  nextToken: z.string().min(1).max(2048).optional(),
  // The default lists only SYSTEM_DEFINED profiles (aws/aws-cli #9728).
  type: z.enum(['SYSTEM_DEFINED', 'APPLICATION']).default('SYSTEM_DEFINED'),
})

export const listModelsQuerySchema = z.object({
  byProvider: z.string().optional(),
  byCustomizationType: z.enum(['FINE_TUNING', 'CONTINUED_PRE_TRAINING', 'DISTILLATION']).optional(),
  byOutputModality: z.enum(['TEXT', 'IMAGE', 'EMBEDDING']).optional(),
  byInferenceType: z.enum(['ON_DEMAND', 'PROVISIONED']).optional(),
})

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string }

export function parseAws<T>(schema: z.ZodType<T>, input: unknown): Parsed<T> {
  const parsed = schema.safeParse(input ?? {})
  if (parsed.success) return { ok: true, value: parsed.data }
  const errors = parsed.error.issues.map((issue) => {
    const path = issue.path.join('.')
    const input = issue.input
    const scalar =
      typeof input === 'string' || typeof input === 'number' || typeof input === 'boolean'
    const value = scalar ? `'${String(input)}'` : 'null'
    return `Value ${value} at '${path}' failed to satisfy constraint: ${issue.message}`
  })
  const count = errors.length === 1 ? '1 validation error' : `${errors.length} validation errors`
  return { ok: false, message: `${count} detected: ${errors.join('; ')}` }
}

export function queryOf(url: string | undefined): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(url?.split('?')[1] ?? ''))
}
