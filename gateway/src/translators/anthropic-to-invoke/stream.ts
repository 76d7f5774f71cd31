// The Messages streaming events Bedrock relays from Claude → the events the client sees. Bedrock
// sends Anthropic's events unchanged except for `amazon-bedrock-invocationMetrics` on
// message_stop, which is Bedrock's bookkeeping and is removed here. `model` in message_start
// becomes the client's alias. Anthropic's own `error` event inside the stream is a failure; `ping`
// from upstream is dropped, because the gateway sends its own keep-alive pings.
// Reference: https://docs.claude.com/en/docs/build-with-claude/streaming (event types and order).
import { z } from 'zod'
import type { ClaudeUsage } from './response.ts'

export type MessagesStreamEvent = Record<string, unknown> & { type: string }

export const streamEventSchema = z.looseObject({ type: z.string().min(1) })

export interface StreamFailure {
  type: string
  message: string
}

export interface MessagesStreamTranslator {
  /** The events to send for one upstream event; throws nothing, reports a failure instead. */
  push(event: MessagesStreamEvent): MessagesStreamEvent[] | StreamFailure
  /** Usage so far: input and cache counts from message_start, output from message_delta. */
  usage(): ClaudeUsage
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function messagesStreamTranslator(alias: string): MessagesStreamTranslator {
  let usage: ClaudeUsage = {}
  return {
    push(event) {
      switch (event.type) {
        case 'message_start': {
          const message = isRecord(event['message']) ? event['message'] : {}
          if (isRecord(message['usage'])) usage = { ...usage, ...message['usage'] }
          return [{ ...event, message: { ...message, model: alias } }]
        }
        case 'message_delta':
          if (isRecord(event['usage'])) usage = { ...usage, ...event['usage'] }
          return [event]
        case 'message_stop': {
          const rest = { ...event }
          delete rest['amazon-bedrock-invocationMetrics']
          return [rest]
        }
        case 'ping':
          return []
        case 'error': {
          const error = isRecord(event['error']) ? event['error'] : {}
          return {
            type: typeof error['type'] === 'string' ? error['type'] : 'api_error',
            message: typeof error['message'] === 'string' ? error['message'] : 'Stream error.',
          }
        }
        default:
          return [event]
      }
    },
    usage: () => usage,
  }
}
