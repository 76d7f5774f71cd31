// Encoder of the AWS event-stream binary format: the inverse of event-stream-decoder.ts.
// Reference: docs/reference/event-stream.md. The gateway itself never encodes frames; tests
// and fixture builders use this to produce byte-exact Bedrock streams (it reproduces the test
// vector there bit for bit).
import { crc32 } from 'node:zlib'
import { encodeHeaders, type TypedHeader } from '../src/streaming/event-stream-headers.ts'

/** encodeEventStreamMessage builds one frame with both CRCs. */
export function encodeEventStreamMessage(
  headers: readonly TypedHeader[],
  payload: Uint8Array,
): Buffer {
  const headerBytes = encodeHeaders(headers)
  const totalLength = 16 + headerBytes.length + payload.length
  const prelude = Buffer.alloc(12)
  prelude.writeUInt32BE(totalLength, 0)
  prelude.writeUInt32BE(headerBytes.length, 4)
  prelude.writeUInt32BE(crc32(prelude.subarray(0, 8)), 8)
  const body = Buffer.concat([prelude, headerBytes, payload])
  const trailer = Buffer.alloc(4)
  trailer.writeUInt32BE(crc32(body), 0)
  return Buffer.concat([body, trailer])
}

const stringHeader = (name: string, value: string): TypedHeader => ({ name, type: 'string', value })

/** eventFrame encodes a Bedrock `:message-type event` frame in the header order Bedrock uses. */
export function eventFrame(eventType: string, payload: unknown): Buffer {
  return encodeEventStreamMessage(
    [
      stringHeader(':event-type', eventType),
      stringHeader(':content-type', 'application/json'),
      stringHeader(':message-type', 'event'),
    ],
    Buffer.from(JSON.stringify(payload), 'utf8'),
  )
}

/** exceptionFrame encodes a modelled exception (`:exception-type` is the camelCase member name). */
export function exceptionFrame(exceptionType: string, payload: unknown): Buffer {
  return encodeEventStreamMessage(
    [
      stringHeader(':exception-type', exceptionType),
      stringHeader(':content-type', 'application/json'),
      stringHeader(':message-type', 'exception'),
    ],
    Buffer.from(JSON.stringify(payload), 'utf8'),
  )
}

/** errorFrame encodes an unmodelled `:message-type error` frame. */
export function errorFrame(errorCode: string, errorMessage: string): Buffer {
  return encodeEventStreamMessage(
    [
      stringHeader(':error-code', errorCode),
      stringHeader(':error-message', errorMessage),
      stringHeader(':message-type', 'error'),
    ],
    new Uint8Array(0),
  )
}
