// Header block of the AWS event-stream binary format (application/vnd.amazon.eventstream).
// Reference: AWS "Event stream encoding" (Amazon Lex V2 developer guide, also used by Transcribe
// and Bedrock) and smithy-typescript HeaderMarshaller (docs/reference/event-stream.md):
// each header is `name_len u8, name (UTF-8), type u8, value`, type codes 0–9 below.

export type HeaderValue = boolean | number | bigint | Uint8Array | string | Date

/** The wire type of a header; the decoder reports values in their natural JS type. */
export type HeaderType =
  | 'true'
  | 'false'
  | 'byte'
  | 'short'
  | 'integer'
  | 'long'
  | 'bytes'
  | 'string'
  | 'timestamp'
  | 'uuid'

export interface TypedHeader {
  name: string
  type: HeaderType
  value: HeaderValue
}

export const headerTypeCodes: Readonly<Record<HeaderType, number>> = {
  true: 0,
  false: 1,
  byte: 2,
  short: 3,
  integer: 4,
  long: 5,
  bytes: 6,
  string: 7,
  timestamp: 8,
  uuid: 9,
}

export class EventStreamDecodeError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'EventStreamDecodeError'
  }
}

function uuidString(bytes: Buffer): string {
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

function need(block: Buffer, offset: number, length: number): void {
  if (offset + length > block.length) throw new EventStreamDecodeError('Header block is truncated.')
}

function readValue(block: Buffer, type: number, offset: number): [HeaderValue, number] {
  switch (type) {
    case 0:
      return [true, offset]
    case 1:
      return [false, offset]
    case 2:
      need(block, offset, 1)
      return [block.readInt8(offset), offset + 1]
    case 3:
      need(block, offset, 2)
      return [block.readInt16BE(offset), offset + 2]
    case 4:
      need(block, offset, 4)
      return [block.readInt32BE(offset), offset + 4]
    case 5:
      need(block, offset, 8)
      return [block.readBigInt64BE(offset), offset + 8]
    case 6:
    case 7: {
      need(block, offset, 2)
      const length = block.readUInt16BE(offset)
      need(block, offset + 2, length)
      const data = block.subarray(offset + 2, offset + 2 + length)
      return [type === 7 ? data.toString('utf8') : new Uint8Array(data), offset + 2 + length]
    }
    case 8:
      need(block, offset, 8)
      return [new Date(Number(block.readBigInt64BE(offset))), offset + 8]
    case 9:
      need(block, offset, 16)
      return [uuidString(block.subarray(offset, offset + 16)), offset + 16]
    default:
      throw new EventStreamDecodeError(`Unknown header value type ${type}.`)
  }
}

/** decodeHeaders reads a whole header block; a later duplicate name wins. */
export function decodeHeaders(block: Buffer): Record<string, HeaderValue> {
  const headers: Record<string, HeaderValue> = {}
  let offset = 0
  while (offset < block.length) {
    const nameLength = block.readUInt8(offset)
    need(block, offset + 1, nameLength + 1)
    const name = block.subarray(offset + 1, offset + 1 + nameLength).toString('utf8')
    const type = block.readUInt8(offset + 1 + nameLength)
    const [value, next] = readValue(block, type, offset + 2 + nameLength)
    headers[name] = value
    offset = next
  }
  return headers
}

function valueBytes(header: TypedHeader): Buffer {
  const { type, value } = header
  const sized = (size: number, write: (buffer: Buffer) => void): Buffer => {
    const buffer = Buffer.alloc(size)
    write(buffer)
    return buffer
  }
  switch (type) {
    case 'true':
    case 'false':
      return Buffer.alloc(0)
    case 'byte':
      return sized(1, (buffer) => buffer.writeInt8(Number(value)))
    case 'short':
      return sized(2, (buffer) => buffer.writeInt16BE(Number(value)))
    case 'integer':
      return sized(4, (buffer) => buffer.writeInt32BE(Number(value)))
    case 'long':
      return sized(8, (buffer) => buffer.writeBigInt64BE(BigInt(value as bigint | number)))
    case 'timestamp':
      return sized(8, (buffer) => buffer.writeBigInt64BE(BigInt((value as Date).getTime())))
    case 'uuid':
      return Buffer.from(String(value).replace(/-/g, ''), 'hex')
    case 'bytes':
    case 'string': {
      const data =
        type === 'string' ? Buffer.from(String(value), 'utf8') : Buffer.from(value as Uint8Array)
      return Buffer.concat([sized(2, (buffer) => buffer.writeUInt16BE(data.length)), data])
    }
  }
}

/** encodeHeaders writes headers in the given order (order is part of a frame's bytes and CRC). */
export function encodeHeaders(headers: readonly TypedHeader[]): Buffer {
  return Buffer.concat(
    headers.map((header) => {
      const name = Buffer.from(header.name, 'utf8')
      return Buffer.concat([
        Buffer.from([name.length]),
        name,
        Buffer.from([headerTypeCodes[header.type]]),
        valueBytes(header),
      ])
    }),
  )
}
