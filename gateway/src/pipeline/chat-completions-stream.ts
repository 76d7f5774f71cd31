// The SSE answer of a streaming chat completion: chunks through pipeline/sse-response.ts.
// Reference: https://platform.openai.com/docs/api-reference/chat-streaming
import type { ChatCompletionChunk } from '../openai/chat-completions.ts'
import { chatChunkHasToken } from '../observe/first-token.ts'
import { fromChatUsage } from '../observe/token-usage.ts'
import { chatCompletionSse } from '../streaming/sse.ts'
import { sseResponse, type SseStart } from './sse-response.ts'

export interface StreamChatCompletionOptions extends SseStart<ChatCompletionChunk> {
  /** `stream_options.include_usage`: only then does the final usage chunk reach the client. */
  includeUsage: boolean
}

export function streamChatCompletion(options: StreamChatCompletionOptions): Promise<Response> {
  const { includeUsage, ...start } = options
  return sseResponse({
    ...start,
    encoding: chatCompletionSse({ includeUsage }),
    what: 'stream',
    // The backend always ends with a usage chunk, asked for or not, so it is always counted.
    usageOf: (chunk) => (chunk.usage == null ? undefined : fromChatUsage(chunk.usage)),
    hasToken: chatChunkHasToken,
  })
}
