// InvokeModelWithResponseStream bytes → the model-native JSON events inside them, layers 1 and 2 of
// our streaming for the model-native APIs. Each event-stream frame of type `chunk` carries
// {"bytes": "<base64 of one JSON event>"} (plus Bedrock's padding field `p`); exception frames
// are Bedrock's in-stream failures and become GatewayErrors, as on ConverseStream
// (streaming/bedrock-frames.ts).
// References: API_runtime_InvokeModelWithResponseStream (ResponseStream: chunk, PayloadPart.bytes
// and the exception members) and docs/reference/event-stream.md (framing).
import { invalidResponse } from '../errors/catalogue.ts'
import { eventTypeOf, payloadJson } from './bedrock-frames.ts'
import type { EventStreamMessage } from './event-stream-decoder.ts'

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)[name]
    : undefined
}

/** One frame → its decoded JSON event, undefined for event types other than `chunk`. */
export function chunkOf(message: EventStreamMessage): unknown {
  if (eventTypeOf(message) !== 'chunk') return undefined
  const bytes = field(payloadJson(message), 'bytes')
  if (typeof bytes !== 'string')
    throw invalidResponse('The model provider sent a chunk without bytes.')
  try {
    return JSON.parse(Buffer.from(bytes, 'base64').toString('utf8')) as unknown
  } catch (error) {
    throw invalidResponse('The model provider sent an unreadable chunk.', error)
  }
}
