// InvokeModelWithResponseStream bytes → the model-native JSON events inside them, layers 1 and 2 of
// our streaming for the model-native APIs. Each event-stream frame of type `chunk` carries
// {"bytes": "<base64 of one JSON event>"} (plus Bedrock's padding field `p`); exception frames
// are Bedrock's in-stream failures and become GatewayErrors, as on ConverseStream.
// References: API_runtime_InvokeModelWithResponseStream (ResponseStream: chunk, PayloadPart.bytes
// and the exception members) and docs/reference/event-stream.md (framing).
import { bedrockError, streamExceptionName } from '../errors/bedrock-errors.ts'
import { gatewayError, invalidResponse } from '../errors/catalogue.ts'
import type { GatewayError } from '../errors/gateway-error.ts'
import {
  EventStreamDecodeError,
  EventStreamDecoder,
  type EventStreamMessage,
} from './event-stream-decoder.ts'

function corrupted(error: EventStreamDecodeError): GatewayError {
  return gatewayError(
    'upstream_stream_corrupted',
    'The model provider sent a corrupted response stream.',
    {
      upstream: 'unavailable',
      cause: error,
    },
  )
}

function stringHeader(message: EventStreamMessage, name: string): string | undefined {
  const value = message.headers[name]
  return typeof value === 'string' ? value : undefined
}

function payloadJson(message: EventStreamMessage): unknown {
  if (message.payload.length === 0) return {}
  try {
    return JSON.parse(Buffer.from(message.payload).toString('utf8')) as unknown
  } catch (error) {
    throw invalidResponse('The model provider sent an unreadable stream event.', error)
  }
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)[name]
    : undefined
}

/** One frame → its decoded JSON event, undefined for event types other than `chunk`. */
export function chunkOf(message: EventStreamMessage): unknown {
  const messageType = stringHeader(message, ':message-type')
  if (messageType === 'exception') {
    const member = stringHeader(message, ':exception-type') ?? 'unknownException'
    const text = field(payloadJson(message), 'message') ?? field(payloadJson(message), 'Message')
    throw bedrockError({
      name: streamExceptionName(member),
      message: typeof text === 'string' ? text : undefined,
    })
  }
  if (messageType === 'error') {
    throw bedrockError({
      name: stringHeader(message, ':error-code'),
      message: stringHeader(message, ':error-message'),
    })
  }
  if (messageType !== 'event')
    throw invalidResponse(`The model provider sent a frame of unknown type '${messageType ?? ''}'.`)
  if (stringHeader(message, ':event-type') !== 'chunk') return undefined
  const bytes = field(payloadJson(message), 'bytes')
  if (typeof bytes !== 'string')
    throw invalidResponse('The model provider sent a chunk without bytes.')
  try {
    return JSON.parse(Buffer.from(bytes, 'base64').toString('utf8')) as unknown
  } catch (error) {
    throw invalidResponse('The model provider sent an unreadable chunk.', error)
  }
}

/**
 * Decodes the frames of one network read into their JSON events, synchronously (the per-chunk
 * path, streaming/item-stream.ts). Returns the failure of a bad frame after the events before it.
 */
export function decodeInvokeRead(
  decoder: EventStreamDecoder,
  piece: Uint8Array,
  out: unknown[],
): Error | undefined {
  try {
    for (const message of decoder.push(piece)) {
      const event = chunkOf(message)
      if (event !== undefined) out.push(event)
    }
    return undefined
  } catch (error) {
    return error instanceof EventStreamDecodeError
      ? corrupted(error)
      : error instanceof Error
        ? error
        : new Error(String(error))
  }
}

/** The body ended: bytes left over are a corrupted stream, never dropped silently. */
export function endInvokeRead(decoder: EventStreamDecoder): void {
  try {
    decoder.end()
  } catch (error) {
    throw error instanceof EventStreamDecodeError ? corrupted(error) : error
  }
}

/**
 * The JSON events of each network read together; events before a failing frame still come out
 * before the failure.
 */
export async function* invokeStreamChunks(
  bytes: AsyncIterable<Uint8Array>,
): AsyncGenerator<unknown[]> {
  const decoder = new EventStreamDecoder()
  for await (const piece of bytes) {
    const events: unknown[] = []
    const failure = decodeInvokeRead(decoder, piece, events)
    if (events.length > 0) yield events
    if (failure !== undefined) throw failure
  }
  endInvokeRead(decoder)
}
