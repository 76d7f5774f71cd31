// Server-sent events of the Anthropic Messages API, layer 4 of 4 for /v1/messages: each event is
// `event: <type>` plus `data: <json>`; there is no end marker after message_stop. A failure after
// the first byte is one `error` event in Anthropic's error shape, and the stream closes; the
// keep-alive is Anthropic's own `ping` event, which every Anthropic client ignores.
// Reference: https://docs.claude.com/en/docs/build-with-claude/streaming ("Event types", "Error
// events", "Ping events").
import type { GatewayError } from '../errors/gateway-error.ts'
import { anthropicError } from '../errors/anthropic-errors.ts'
import type { SseEncoding } from './sse.ts'

export function anthropicSseEvent(event: { type: string }): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`
}

export const anthropicPing = anthropicSseEvent({ type: 'ping' })

/** The encoding for any Anthropic stream event: all it reads is the event's `type`. */
export function anthropicSse<E extends { type: string }>(): SseEncoding<E> {
  return {
    item: anthropicSseEvent,
    end: undefined,
    error: (failure: GatewayError) =>
      anthropicSseEvent(anthropicError(failure.status, failure.message).body),
  }
}
