// Token counts of one request in the five types of the OpenTelemetry GenAI conventions, read from
// whichever OpenAI shape the endpoint answers with. Pure, so every endpoint counts the same way.
import type { CompletionUsage } from '../openai/chat-completion-response.ts'
import type { ResponseUsage } from '../openai/responses.ts'

export interface TokenUsage {
  /** Prompt tokens that were neither read from nor written to the prompt cache. */
  input: number
  /** Visible output plus reasoning: what the model generated. */
  output: number
  cachedInput: number
  cacheCreationInput: number
  /** The hidden part of `output`. */
  reasoning: number
}

export const TOKEN_TYPES = {
  input: 'input',
  output: 'output',
  cachedInput: 'cached_input',
  cacheCreationInput: 'cache_creation_input',
  reasoning: 'reasoning',
} as const satisfies Record<keyof TokenUsage, string>

// OpenAI counts cached tokens inside prompt_tokens; GenAI's `input` type excludes them so that the
// three input types add up to what was billed at three different prices.
export function fromChatUsage(usage: CompletionUsage): TokenUsage {
  const cachedInput = usage.prompt_tokens_details?.cached_tokens ?? 0
  const cacheCreationInput = usage.prompt_tokens_details?.cache_write_tokens ?? 0
  return {
    input: Math.max(0, usage.prompt_tokens - cachedInput - cacheCreationInput),
    output: usage.completion_tokens,
    cachedInput,
    cacheCreationInput,
    reasoning: usage.completion_tokens_details?.reasoning_tokens ?? 0,
  }
}

export function fromResponsesUsage(usage: ResponseUsage): TokenUsage {
  const cachedInput = usage.input_tokens_details.cached_tokens
  return {
    input: Math.max(0, usage.input_tokens - cachedInput),
    output: usage.output_tokens,
    cachedInput,
    cacheCreationInput: 0,
    reasoning: usage.output_tokens_details.reasoning_tokens,
  }
}

export function fromEmbeddingsUsage(usage: { prompt_tokens: number }): TokenUsage {
  return {
    input: usage.prompt_tokens,
    output: 0,
    cachedInput: 0,
    cacheCreationInput: 0,
    reasoning: 0,
  }
}

/** Every token the request consumed, for token rate limits and budgets. */
export function totalTokens(usage: TokenUsage): number {
  return usage.input + usage.cachedInput + usage.cacheCreationInput + usage.output
}
