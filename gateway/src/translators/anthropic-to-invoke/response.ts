// Bedrock's InvokeModel answer for Claude → the Anthropic Message the client sees. The body is
// Anthropic's own Message; only `model` changes, to the alias the client asked for (as on every
// Strata endpoint). Lenient with upstream output: unknown fields and block types pass through.
// Reference: https://docs.claude.com/en/api/messages (response body).
import { z } from 'zod'

const usageSchema = z.looseObject({
  input_tokens: z.number().nullish(),
  output_tokens: z.number().nullish(),
  cache_creation_input_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
})

export const claudeMessageSchema = z.looseObject({
  id: z.string(),
  type: z.literal('message'),
  role: z.literal('assistant'),
  content: z.array(z.looseObject({ type: z.string() })),
  stop_reason: z.string().nullable(),
  usage: usageSchema,
})

export type ClaudeMessage = z.infer<typeof claudeMessageSchema>
export type ClaudeUsage = z.infer<typeof usageSchema>

export function toClientMessage(message: ClaudeMessage, alias: string): ClaudeMessage {
  return { ...message, model: alias }
}
