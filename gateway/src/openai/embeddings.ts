// The OpenAI Embeddings API as the gateway accepts and answers it: a strict request schema (an
// unknown parameter is a 400, never dropped silently) and the response shape.
// Reference: https://platform.openai.com/docs/api-reference/embeddings/create
import { z } from 'zod'
import { requestValidationError } from './request-validation.ts'
import { invalidRequest } from '../errors/catalogue.ts'

// OpenAI caps one request at 2048 inputs; token ids are integers of the model's vocabulary.
const maximumInputs = 2048
const tokenIds = z.array(z.int().nonnegative()).min(1)

export const embeddingsRequestSchema = z.strictObject({
  model: z.string().min(1),
  input: z.union([
    z.string().min(1),
    z.array(z.string().min(1)).min(1).max(maximumInputs),
    tokenIds,
    z.array(tokenIds).min(1).max(maximumInputs),
  ]),
  dimensions: z.int().positive().optional(),
  encoding_format: z.enum(['float', 'base64']).optional(),
  user: z.string().optional(),
})

export type EmbeddingsRequest = z.infer<typeof embeddingsRequestSchema>

type Issue = z.core.$ZodIssue

// zod reports an absent union (`input`) as `invalid_union`; OpenAI calls it a missing parameter.
function missingUnionAsMissing(issue: Issue): Issue {
  if (issue.code !== 'invalid_union') return issue
  const absent = issue.errors.every((branch) =>
    branch.every(
      (inner) =>
        inner.code === 'invalid_type' && inner.path.length === 0 && inner.input === undefined,
    ),
  )
  if (!absent) return issue
  return { code: 'invalid_type', expected: 'string', path: issue.path, message: issue.message }
}

// Too many inputs fail every branch of the `input` union, and zod would report the deepest
// branch's complaint about one element ("expected number"); the rule broken is the count.
function checkInputCount(body: unknown): void {
  if (typeof body !== 'object' || body === null || !('input' in body)) return
  const { input } = body
  if (!Array.isArray(input) || input.length <= maximumInputs) return
  throw invalidRequest(
    `Invalid value for 'input': at most ${maximumInputs} inputs per request, got ${input.length}.`,
    'input',
    'invalid_value',
  )
}

/** parseEmbeddingsRequest validates an untrusted body, or throws an OpenAI-style 400. */
export function parseEmbeddingsRequest(body: unknown): EmbeddingsRequest {
  checkInputCount(body)
  const result = embeddingsRequestSchema.safeParse(body, { reportInput: true })
  if (!result.success) throw requestValidationError(result.error.issues.map(missingUnionAsMissing))
  return result.data
}

export interface Embedding {
  object: 'embedding'
  index: number
  /** Floats, or little-endian float32 bytes in base64 when `encoding_format: base64`. */
  embedding: number[] | string
}

export interface EmbeddingsResponse {
  object: 'list'
  data: Embedding[]
  /** The alias the client sent. */
  model: string
  usage: { prompt_tokens: number; total_tokens: number }
}
