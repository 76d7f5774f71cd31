// The SSE answer of a streaming Message: events through pipeline/sse-response.ts, encoded by
// streaming/anthropic-sse.ts (a failure after the start is one Anthropic `error` event, and the
// keep-alive is Anthropic's `ping`). Usage is gathered across the stream: input and cache counts
// come with message_start, the output count with message_delta.
import { fromAnthropicUsage, type AnthropicUsageCounts } from '../observe/anthropic-usage.ts'
import type { TokenUsage } from '../observe/token-usage.ts'
import { anthropicPing, anthropicSse } from '../streaming/anthropic-sse.ts'
import type { MessagesStreamEvent } from '../translators/anthropic-to-invoke/stream.ts'
import { sseResponse, type SseStart } from './sse-response.ts'

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

function usageGatherer(): (event: MessagesStreamEvent) => TokenUsage | undefined {
  let counts: AnthropicUsageCounts = {}
  return (event) => {
    let usage: unknown
    if (event.type === 'message_start' && isRecord(event['message']))
      usage = event['message']['usage']
    else if (event.type === 'message_delta') usage = event['usage']
    if (!isRecord(usage)) return undefined
    counts = { ...counts, ...(usage as AnthropicUsageCounts) }
    return fromAnthropicUsage(counts)
  }
}

const hasToken = (event: MessagesStreamEvent): boolean => event.type === 'content_block_delta'

export function streamMessages(start: SseStart<MessagesStreamEvent>): Promise<Response> {
  return sseResponse({
    ...start,
    encoding: anthropicSse(),
    what: 'messages stream',
    usageOf: usageGatherer(),
    hasToken,
    keepAliveText: anthropicPing,
  })
}
