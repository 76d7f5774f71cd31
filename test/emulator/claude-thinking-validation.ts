// The checks Claude makes on extended thinking behind Converse, which Bedrock reports as a
// ValidationException prefixed "The model returned the following errors:". Wording as users quote
// it from real Bedrock (danny-avila/LibreChat #8346, vercel/ai #7927); the rules are Anthropic's:
// a thinking budget of at least 1024 tokens, strictly below max tokens.
import { z } from 'zod'

const thinkingSchema = z.looseObject({
  additionalModelRequestFields: z
    .looseObject({
      thinking: z
        .looseObject({ type: z.string(), budget_tokens: z.unknown().optional() })
        .optional(),
    })
    .optional(),
  inferenceConfig: z.looseObject({ maxTokens: z.number().optional() }).optional(),
})

const prefix = 'The model returned the following errors: '

export function claudeThinkingError(body: unknown): string | undefined {
  const parsed = thinkingSchema.safeParse(body)
  const thinking = parsed.data?.additionalModelRequestFields?.thinking
  if (thinking?.type !== 'enabled') return undefined
  const budget = thinking.budget_tokens
  if (typeof budget !== 'number' || !Number.isInteger(budget))
    return `${prefix}thinking.enabled.budget_tokens: Field required`
  if (budget < 1024)
    return `${prefix}thinking.enabled.budget_tokens: Input should be greater than or equal to 1024`
  const maxTokens = parsed.data?.inferenceConfig?.maxTokens
  if (maxTokens !== undefined && maxTokens <= budget)
    return `${prefix}\`max_tokens\` must be greater than \`thinking.budget_tokens\`. Please consult our documentation at https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size`
  return undefined
}
