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

// Usage relayed from Mantle is read as sent, and upstream may leave any count or detail out (or
// send null): what is missing or not a count reads as zero, never as a crash after the answer.
const count = (value: unknown): number =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0

/** What the readers below accept: the shapes the gateway builds, or leaner ones from upstream. */
type Lean<T> = { [K in keyof T]?: (T[K] extends object ? Lean<T[K]> : T[K]) | null }

// OpenAI counts cached tokens inside prompt_tokens; GenAI's `input` type excludes them so that the
// three input types add up to what was billed at three different prices.
export function fromChatUsage(usage: Lean<CompletionUsage>): TokenUsage {
  const cachedInput = count(usage.prompt_tokens_details?.cached_tokens)
  const cacheCreationInput = count(usage.prompt_tokens_details?.cache_write_tokens)
  return {
    input: Math.max(0, count(usage.prompt_tokens) - cachedInput - cacheCreationInput),
    output: count(usage.completion_tokens),
    cachedInput,
    cacheCreationInput,
    reasoning: count(usage.completion_tokens_details?.reasoning_tokens),
  }
}

export function fromResponsesUsage(usage: Lean<ResponseUsage>): TokenUsage {
  const cachedInput = count(usage.input_tokens_details?.cached_tokens)
  return {
    input: Math.max(0, count(usage.input_tokens) - cachedInput),
    output: count(usage.output_tokens),
    cachedInput,
    cacheCreationInput: 0,
    reasoning: count(usage.output_tokens_details?.reasoning_tokens),
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
