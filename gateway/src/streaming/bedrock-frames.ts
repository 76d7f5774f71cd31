// What every Bedrock event stream shares above the framing, ConverseStream and
// InvokeModelWithResponseStream alike. Exception frames (`:message-type exception`, camelCase
// `:exception-type`) and unmodelled `:message-type error` frames become GatewayErrors through the
// Bedrock error map. Payloads are JSON. A network read's frames are decoded together, in one
// synchronous step (the per-chunk path, streaming/item-stream.ts). A body that ends inside a frame
// is a corrupted stream, never dropped silently.
// References: docs/reference/event-stream.md (framing) and the exception members of
// API_runtime_ConverseStream and API_runtime_InvokeModelWithResponseStream.
import { bedrockError, streamExceptionName } from '../errors/bedrock-errors.ts'
import { gatewayError, invalidResponse } from '../errors/catalogue.ts'
import { asError, type GatewayError } from '../errors/gateway-error.ts'
import {
  asBuffer,
  EventStreamDecodeError,
  EventStreamDecoder,
  type EventStreamMessage,
} from './event-stream-decoder.ts'

/** One frame → its event; undefined for a frame the stream's API skips. */
export type FrameReader<T> = (message: EventStreamMessage) => T | undefined

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

// The decoder's payloads are Buffers already: no second view per frame.
const utf8 = (bytes: Uint8Array): string => asBuffer(bytes).toString('utf8')

/** A frame's JSON payload, `{}` when it has none. */
export function payloadJson(message: EventStreamMessage): unknown {
  if (message.payload.length === 0) return {}
  try {
    return JSON.parse(utf8(message.payload)) as unknown
  } catch (error) {
    throw invalidResponse('The model provider sent an unreadable stream event.', error)
  }
}

// An exception's message: `message` (or `Message`) of its JSON payload. A payload that is not JSON
// does not hide the exception: its text is the message, and the exception type still decides.
function exceptionMessage(message: EventStreamMessage): string | undefined {
  const text = utf8(message.payload).trim()
  if (text === '') return undefined
  let payload: unknown
  try {
    payload = JSON.parse(text) as unknown
  } catch {
    return text
  }
  if (typeof payload !== 'object' || payload === null) return undefined
  const record = payload as Record<string, unknown>
  const field = record['message'] ?? record['Message']
  return typeof field === 'string' ? field : undefined
}

/**
 * The `:event-type` of an event frame ('' when absent). Throws the GatewayError of an exception
 * or error frame, and for a frame of unknown type.
 */
export function eventTypeOf(message: EventStreamMessage): string {
  const messageType = stringHeader(message, ':message-type')
  if (messageType === 'exception') {
    const member = stringHeader(message, ':exception-type') ?? 'unknownException'
    throw bedrockError({
      name: streamExceptionName(member),
      message: exceptionMessage(message),
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
  return stringHeader(message, ':event-type') ?? ''
}

/**
 * Decodes the frames of one network read into `out`, synchronously. Returns the failure of a bad
 * frame after the events before it.
 */
export function decodeRead<T>(
  decoder: EventStreamDecoder,
  chunk: Uint8Array,
  out: T[],
  read: FrameReader<T>,
): Error | undefined {
  try {
    for (const message of decoder.push(chunk)) {
      const event = read(message)
      if (event !== undefined) out.push(event)
    }
    return undefined
  } catch (error) {
    return error instanceof EventStreamDecodeError ? corrupted(error) : asError(error)
  }
}

/** The body ended: throws when it stopped inside a frame. */
export function endRead(decoder: EventStreamDecoder): void {
  try {
    decoder.end()
  } catch (error) {
    throw error instanceof EventStreamDecodeError ? corrupted(error) : error
  }
}

/**
 * The events of each network read together, by pull; events before a failing frame still come out
 * before the failure.
 */
export async function* eventBatches<T>(
  bytes: AsyncIterable<Uint8Array>,
  read: FrameReader<T>,
): AsyncGenerator<T[]> {
  const decoder = new EventStreamDecoder()
  for await (const chunk of bytes) {
    const events: T[] = []
    const failure = decodeRead(decoder, chunk, events, read)
    if (events.length > 0) yield events
    if (failure !== undefined) throw failure
  }
  endRead(decoder)
}
