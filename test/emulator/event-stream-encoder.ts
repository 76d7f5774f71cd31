// AWS event-stream binary framing (`application/vnd.amazon.eventstream`), the transport of
// ConverseStream. Implements docs/reference/event-stream.md (from the AWS "Event stream encoding"
// page and smithy's EventStreamCodec): prelude, string headers (type 7), payload, two CRC-32s.
import { crc32 } from 'node:zlib'

export type FrameHeaders = ReadonlyArray<readonly [name: string, value: string]>

const preludeLength = 8
const crcLength = 4
const stringHeaderType = 7

function encodeStringHeader(name: string, value: string): Buffer {
  const nameBytes = Buffer.from(name, 'utf8')
  const valueBytes = Buffer.from(value, 'utf8')
  if (nameBytes.length > 0xff) throw new RangeError(`header name too long: ${name}`)
  if (valueBytes.length > 0xffff) throw new RangeError(`header value too long for ${name}`)
  const out = Buffer.alloc(1 + nameBytes.length + 1 + 2 + valueBytes.length)
  let at = out.writeUInt8(nameBytes.length, 0)
  at += nameBytes.copy(out, at)
  at = out.writeUInt8(stringHeaderType, at)
  at = out.writeUInt16BE(valueBytes.length, at)
  valueBytes.copy(out, at)
  return out
}

/** One complete frame; the message CRC covers the prelude and its CRC as well. */
export function encodeFrame(headers: FrameHeaders, payload: Uint8Array): Buffer {
  const headerBytes = Buffer.concat(headers.map(([name, value]) => encodeStringHeader(name, value)))
  const total = preludeLength + crcLength + headerBytes.length + payload.length + crcLength
  const frame = Buffer.alloc(total)
  frame.writeUInt32BE(total, 0)
  frame.writeUInt32BE(headerBytes.length, 4)
  frame.writeUInt32BE(crc32(frame.subarray(0, preludeLength)), preludeLength)
  const headersStart = preludeLength + crcLength
  headerBytes.copy(frame, headersStart)
  frame.set(payload, headersStart + headerBytes.length)
  frame.writeUInt32BE(crc32(frame.subarray(0, total - crcLength)), total - crcLength)
  return frame
}

function json(body: unknown): Buffer {
  return Buffer.from(JSON.stringify(body), 'utf8')
}

/** A modelled event; header order matches the test vector captured from Bedrock. */
export function eventFrame(eventType: string, body: unknown): Buffer {
  return encodeFrame(
    [
      [':event-type', eventType],
      [':content-type', 'application/json'],
      [':message-type', 'event'],
    ],
    json(body),
  )
}

/** A modelled exception; `exceptionType` is the camelCase union member, e.g. `throttlingException`. */
export function exceptionFrame(exceptionType: string, body: unknown): Buffer {
  return encodeFrame(
    [
      [':exception-type', exceptionType],
      [':content-type', 'application/json'],
      [':message-type', 'exception'],
    ],
    json(body),
  )
}
