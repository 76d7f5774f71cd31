// The SSE answer of a streaming Response: events through pipeline/sse-response.ts, encoded by
// streaming/responses-sse.ts (which turns a failure after the start into one `error` event).
import type { ResponseObject, ResponseStreamEvent } from '../openai/responses.ts'
import { responsesEventHasToken } from '../observe/first-token.ts'
import { fromResponsesUsage, type TokenUsage } from '../observe/token-usage.ts'
import { responsesSse } from '../streaming/responses-sse.ts'
import { sseResponse, type SseStart } from './sse-response.ts'

// The closing events (`response.completed`, `response.incomplete`) carry the whole Response.
function usageOf(event: ResponseStreamEvent): TokenUsage | undefined {
  if (event.type !== 'response.completed' && event.type !== 'response.incomplete') return undefined
  const usage = (event['response'] as Partial<ResponseObject> | undefined)?.usage
  return usage == null ? undefined : fromResponsesUsage(usage)
}

export function streamResponse(start: SseStart<ResponseStreamEvent>): Promise<Response> {
  return sseResponse({
    ...start,
    encoding: responsesSse(),
    what: 'response stream',
    usageOf,
    hasToken: responsesEventHasToken,
  })
}
