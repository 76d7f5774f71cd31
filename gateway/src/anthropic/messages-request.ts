// The Anthropic Messages API request as the gateway reads it: strict about what it needs to route
// and limit (model, messages, max_tokens, stream), and otherwise faithful. Content blocks and the
// other top-level fields are kept as sent, byte for byte once re-serialised, because Claude checks
// thinking signatures and cache prefixes against exactly what it produced.
// Reference: https://docs.claude.com/en/api/messages (request body) and
// https://docs.claude.com/en/api/messages-count-tokens (same body without max_tokens and stream).
import { z } from 'zod'
import { invalidRequest } from '../errors/catalogue.ts'
import type { GatewayError } from '../errors/gateway-error.ts'

const contentBlock = z.looseObject({ type: z.string().min(1) })
const messageSchema = z.looseObject({
  role: z.enum(['user', 'assistant']),
  content: z.union([z.string(), z.array(contentBlock)]),
})

// Typed where a wrong type is certainly a mistake, so that it is a 400 here rather than a call
// Bedrock refuses; the shapes inside tools, thinking and content blocks are Claude's to judge.
const commonShape = {
  model: z.string().min(1),
  messages: z.array(messageSchema).min(1),
  system: z.union([z.string(), z.array(contentBlock)]).optional(),
  thinking: z.looseObject({ type: z.string() }).optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.int().nonnegative().optional(),
  stop_sequences: z.array(z.string()).optional(),
  tools: z.array(z.looseObject({ name: z.string().min(1) })).optional(),
  tool_choice: z.looseObject({ type: z.string() }).optional(),
  metadata: z.looseObject({}).optional(),
}

export const messagesRequestSchema = z.looseObject({
  ...commonShape,
  max_tokens: z.int().positive(),
  stream: z.boolean().optional(),
})

export const countTokensRequestSchema = z.looseObject(commonShape)

export type MessagesRequest = z.infer<typeof messagesRequestSchema>
export type CountTokensRequest = z.infer<typeof countTokensRequestSchema>

// Anthropic's own wording: `messages.0.content: Field required`.
function invalid(error: z.ZodError): GatewayError {
  const issue = error.issues[0]
  const path = issue?.path.map(String).join('.') ?? ''
  const missing = issue?.code === 'invalid_type' && issue.input === undefined
  const detail = missing ? 'Field required' : (issue?.message ?? 'Invalid request')
  return invalidRequest(`${path === '' ? 'body' : path}: ${detail}`, path === '' ? undefined : path)
}

export function parseMessagesRequest(body: unknown): MessagesRequest {
  const parsed = messagesRequestSchema.safeParse(body)
  if (!parsed.success) throw invalid(parsed.error)
  return parsed.data
}

export function parseCountTokensRequest(body: unknown): CountTokensRequest {
  const parsed = countTokensRequestSchema.safeParse(body)
  if (!parsed.success) throw invalid(parsed.error)
  return parsed.data
}
