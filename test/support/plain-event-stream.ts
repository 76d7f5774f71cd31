// The AWS event stream encoding (`application/vnd.amazon.eventstream`), written from the public
// description of the format for the plain Bedrock stand-in, independent of the emulator's encoder.
// Reference: AWS Transcribe / S3 Select "Event stream encoding" pages and the Smithy event stream
// spec: each message is
//   total length (uint32 BE) | headers length (uint32 BE) | prelude CRC32 (of the 8 bytes before)
//   | headers | payload | message CRC32 (of every byte before it).
// A header is name length (uint8) | name (UTF-8) | value type (uint8; 7 = string)
//   | value length (uint16 BE) | value (UTF-8).
import { crc32 } from 'node:zlib'

const stringType = 7

function encodeHeaders(headers: Readonly<Record<string, string>>): Buffer {
  const parts: Buffer[] = []
  for (const [name, value] of Object.entries(headers)) {
    const nameBytes = Buffer.from(name, 'utf8')
    const valueBytes = Buffer.from(value, 'utf8')
    const fixed = Buffer.alloc(1 + nameBytes.length + 1 + 2)
    fixed.writeUInt8(nameBytes.length, 0)
    nameBytes.copy(fixed, 1)
    fixed.writeUInt8(stringType, 1 + nameBytes.length)
    fixed.writeUInt16BE(valueBytes.length, 2 + nameBytes.length)
    parts.push(fixed, valueBytes)
  }
  return Buffer.concat(parts)
}

/** encodeMessage builds one event stream message with both checksums. */
export function encodeMessage(headers: Readonly<Record<string, string>>, payload: Buffer): Buffer {
  const headerBytes = encodeHeaders(headers)
  const total = 12 + headerBytes.length + payload.length + 4
  const message = Buffer.alloc(total)
  message.writeUInt32BE(total, 0)
  message.writeUInt32BE(headerBytes.length, 4)
  message.writeUInt32BE(crc32(message.subarray(0, 8)), 8)
  headerBytes.copy(message, 12)
  payload.copy(message, 12 + headerBytes.length)
  message.writeUInt32BE(crc32(message.subarray(0, total - 4)), total - 4)
  return message
}

/** An event of a modeled event stream: `:message-type: event`, JSON payload. */
export function eventMessage(eventType: string, payload: unknown): Buffer {
  return encodeMessage(
    { ':event-type': eventType, ':content-type': 'application/json', ':message-type': 'event' },
    Buffer.from(JSON.stringify(payload), 'utf8'),
  )
}

/** A modeled exception inside a stream: `:message-type: exception`, `{"message": ...}`. */
export function exceptionMessage(exceptionType: string, message: string): Buffer {
  return encodeMessage(
    {
      ':exception-type': exceptionType,
      ':content-type': 'application/json',
      ':message-type': 'exception',
    },
    Buffer.from(JSON.stringify({ message }), 'utf8'),
  )
}
