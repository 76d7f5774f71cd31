// Converse `usage` → OpenAI `usage`. References:
// https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_TokenUsage.html and OpenAI's
// CompletionUsage. OpenAI counts cached prompt tokens inside prompt_tokens, while Bedrock reports
// them beside inputTokens, so prompt_tokens = input + cache read + cache write (the Bedrock Access
// Gateway, Portkey and Envoy AI Gateway count it the same way). Converse reports no separate
// reasoning token count (reasoning is inside outputTokens), so completion_tokens_details is left
// out rather than filled with a guess.
import type { CompletionUsage } from '../../openai/chat-completions.ts'
import type { ConverseUsage } from '../../upstream/converse-shapes.ts'

/** toCompletionUsage converts Bedrock token counts to OpenAI's usage object. */
export function toCompletionUsage(usage: ConverseUsage): CompletionUsage {
  const cacheRead = usage.cacheReadInputTokens ?? 0
  const cacheWrite = usage.cacheWriteInputTokens ?? 0
  const promptTokens = usage.inputTokens + cacheRead + cacheWrite
  return {
    prompt_tokens: promptTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: promptTokens + usage.outputTokens,
    prompt_tokens_details:
      cacheWrite > 0
        ? { cached_tokens: cacheRead, cache_write_tokens: cacheWrite }
        : { cached_tokens: cacheRead },
  }
}
