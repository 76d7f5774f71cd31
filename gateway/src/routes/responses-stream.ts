// The SSE answer of a streaming Response: events through routes/sse-response.ts, encoded by
// streaming/responses-sse.ts (which turns a failure after the start into one `error` event).
import type { Logger } from '../app-logger.ts'
import type { ResponseStreamEvent } from '../openai/responses.ts'
import { toResponsesSse } from '../streaming/responses-sse.ts'
import { sseResponse } from './sse-response.ts'
import type { UpstreamCall } from './upstream-call.ts'

export interface StreamResponseOptions {
  events: AsyncIterable<ResponseStreamEvent>
  call: UpstreamCall
  keepAliveMs: number
  logger: Logger
}

export function streamResponse(options: StreamResponseOptions): Promise<Response> {
  return sseResponse({
    items: options.events,
    encode: toResponsesSse,
    call: options.call,
    keepAliveMs: options.keepAliveMs,
    logger: options.logger,
    what: 'response stream',
  })
}
