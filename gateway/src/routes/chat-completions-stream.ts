// The SSE answer of a streaming chat completion: chunks through routes/sse-response.ts.
// Reference: https://platform.openai.com/docs/api-reference/chat-streaming
import type { Logger } from '../app-logger.ts'
import type { ChatCompletionChunk } from '../openai/chat-completions.ts'
import { toChatCompletionSse } from '../streaming/sse.ts'
import { sseResponse } from './sse-response.ts'
import type { UpstreamCall } from './upstream-call.ts'

export interface StreamChatCompletionOptions {
  chunks: AsyncIterable<ChatCompletionChunk>
  call: UpstreamCall
  /** `stream_options.include_usage`: only then does the final usage chunk reach the client. */
  includeUsage: boolean
  keepAliveMs: number
  logger: Logger
}

export function streamChatCompletion(options: StreamChatCompletionOptions): Promise<Response> {
  return sseResponse({
    items: options.chunks,
    encode: (chunks) => toChatCompletionSse(chunks, { includeUsage: options.includeUsage }),
    call: options.call,
    keepAliveMs: options.keepAliveMs,
    logger: options.logger,
    what: 'stream',
  })
}
