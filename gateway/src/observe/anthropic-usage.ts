// Token counts of one Anthropic Message in the GenAI types. Anthropic's `input_tokens` already
// excludes the tokens read from or written to the prompt cache, which come as their own counts.
// Reference: https://docs.claude.com/en/api/messages (usage) and docs/metrics.md (token types).
import type { TokenUsage } from './token-usage.ts'

export interface AnthropicUsageCounts {
  input_tokens?: number | null | undefined
  output_tokens?: number | null | undefined
  cache_creation_input_tokens?: number | null | undefined
  cache_read_input_tokens?: number | null | undefined
}

const count = (value: unknown): number =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0

export function fromAnthropicUsage(usage: AnthropicUsageCounts): TokenUsage {
  return {
    input: count(usage.input_tokens),
    output: count(usage.output_tokens),
    cachedInput: count(usage.cache_read_input_tokens),
    cacheCreationInput: count(usage.cache_creation_input_tokens),
    reasoning: 0,
  }
}
