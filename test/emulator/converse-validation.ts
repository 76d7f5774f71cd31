// Checks Bedrock Runtime makes on a Converse/ConverseStream request before any model runs:
// constraint errors from the service model (docs/reference/bedrock-runtime.md, worded the way Coral
// reports them) and the conversation rules whose messages users quote from real Bedrock.
import { z } from 'zod'
import { claudeThinkingError } from './claude-thinking-validation.ts'

const blockSchema = z.record(z.string(), z.unknown())

// Lenient on purpose: only what the rules below read; the SDK already shaped the rest.
export const converseRequestSchema = z.looseObject({
  messages: z.array(z.looseObject({ role: z.string(), content: z.array(blockSchema) })).default([]),
  system: z.array(blockSchema).optional(),
  inferenceConfig: z
    .looseObject({
      maxTokens: z.number().optional(),
      temperature: z.number().optional(),
      topP: z.number().optional(),
    })
    .optional(),
  toolConfig: z.unknown().optional(),
})

export type ConverseRequest = z.infer<typeof converseRequestSchema>

export type ValidationResult =
  { ok: true; request: ConverseRequest } | { ok: false; message: string }

const messages = {
  firstUser:
    'A conversation must start with a user message. Try again with a conversation that starts with a user message.',
  alternate:
    'A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.',
  toolConfig:
    'The toolConfig field must be defined when using toolUse and toolResult content blocks.',
}

function constraintErrors(request: ConverseRequest): string[] {
  const errors: string[] = []
  const limit = (value: number | undefined, path: string, min: number, max?: number): void => {
    if (value === undefined) return
    if (value < min)
      errors.push(
        `Value '${value}' at '${path}' failed to satisfy constraint: Member must have value greater than or equal to ${min}`,
      )
    else if (max !== undefined && value > max)
      errors.push(
        `Value '${value}' at '${path}' failed to satisfy constraint: Member must have value less than or equal to ${max}`,
      )
  }
  limit(request.inferenceConfig?.maxTokens, 'inferenceConfig.maxTokens', 1)
  limit(request.inferenceConfig?.temperature, 'inferenceConfig.temperature', 0, 1)
  limit(request.inferenceConfig?.topP, 'inferenceConfig.topP', 0, 1)
  for (const [i, message] of request.messages.entries()) {
    const at = `messages.${i + 1}.member`
    if (message.role !== 'user' && message.role !== 'assistant')
      errors.push(
        `Value '${message.role}' at '${at}.role' failed to satisfy constraint: Member must satisfy enum value set: [user, assistant]`,
      )
    for (const [j, block] of message.content.entries()) {
      if (Object.keys(block).length !== 1)
        errors.push(
          `Value at '${at}.content.${j + 1}.member' failed to satisfy constraint: Member must have exactly one field set`,
        )
    }
  }
  return errors
}

function conversationError(request: ConverseRequest): string | undefined {
  const [first] = request.messages
  if (first?.role !== 'user') return messages.firstUser
  for (const [i, message] of request.messages.entries()) {
    if (i > 0 && message.role === request.messages[i - 1]?.role) return messages.alternate
  }
  const usesTools = request.messages.some((m) =>
    m.content.some((block) => 'toolUse' in block || 'toolResult' in block),
  )
  if (usesTools && request.toolConfig === undefined) return messages.toolConfig
  return undefined
}

export function validateConverseRequest(body: unknown): ValidationResult {
  const parsed = converseRequestSchema.safeParse(body)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const path = issue?.path.join('.') ?? ''
    return { ok: false, message: `Malformed input request: ${path} ${issue?.message ?? ''}`.trim() }
  }
  const errors = constraintErrors(parsed.data)
  if (errors.length > 0) {
    const count = errors.length === 1 ? '1 validation error' : `${errors.length} validation errors`
    return { ok: false, message: `${count} detected: ${errors.join('; ')}` }
  }
  const message = conversationError(parsed.data) ?? claudeThinkingError(body)
  return message === undefined ? { ok: true, request: parsed.data } : { ok: false, message }
}
