// The response shapes of OpenAI Chat Completions as Strata returns them.
// Reference: https://platform.openai.com/docs/api-reference/chat/object and
// https://platform.openai.com/docs/api-reference/chat-streaming/streaming (the `openai` npm SDK
// 6.30 types `ChatCompletion`, `ChatCompletionChunk`, `CompletionUsage`).
//
// These are outputs we build ourselves, so they are plain types rather than zod schemas.
// Extensions beyond OpenAI's shapes, all optional so OpenAI SDKs ignore them:
// - `reasoning_content` (the de-facto field of DeepSeek, vLLM and LiteLLM) carries the model's
//   visible reasoning; `reasoning_signature` carries Bedrock's signature over it, which a client
//   echoes back on the assistant message so multi-turn thinking with tools keeps working.
// - `prompt_tokens_details.cache_write_tokens` counts prompt tokens written to the cache.

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call'

export interface CompletionUsage {
  prompt_tokens: number
  completion_tokens: number
  total_tokens: number
  prompt_tokens_details?: { cached_tokens?: number; cache_write_tokens?: number }
  completion_tokens_details?: { reasoning_tokens?: number }
}

export interface ChatCompletionMessageToolCall {
  id: string
  type: 'function'
  function: { name: string; arguments: string }
}

export interface ChatCompletionMessage {
  role: 'assistant'
  content: string | null
  refusal: string | null
  tool_calls?: ChatCompletionMessageToolCall[]
  reasoning_content?: string
  reasoning_signature?: string
}

export interface ChatCompletionChoice {
  index: number
  message: ChatCompletionMessage
  finish_reason: FinishReason
  logprobs: null
}

export type ServiceTier = 'auto' | 'default' | 'flex' | 'scale' | 'priority'

export interface ChatCompletion {
  id: string
  object: 'chat.completion'
  created: number
  model: string
  choices: ChatCompletionChoice[]
  usage: CompletionUsage
  service_tier?: ServiceTier
}

export interface ChatCompletionToolCallDelta {
  index: number
  id?: string
  type?: 'function'
  function?: { name?: string; arguments?: string }
}

export interface ChatCompletionChunkDelta {
  role?: 'assistant'
  content?: string | null
  refusal?: string | null
  tool_calls?: ChatCompletionToolCallDelta[]
  reasoning_content?: string
  reasoning_signature?: string
}

export interface ChatCompletionChunkChoice {
  index: number
  delta: ChatCompletionChunkDelta
  finish_reason: FinishReason | null
  logprobs?: null
}

export interface ChatCompletionChunk {
  id: string
  object: 'chat.completion.chunk'
  created: number
  model: string
  choices: ChatCompletionChunkChoice[]
  usage?: CompletionUsage | null
  service_tier?: ServiceTier
}
