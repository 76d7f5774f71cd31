// Incremental decoder of the AWS event-stream binary format, layer 1 of 4 of our streaming.
// Reference: AWS "Event stream encoding" and smithy-typescript EventStreamCodec / splitMessage
// (summary: docs/reference/event-stream.md):
//
//   [total_len u32][headers_len u32][prelude_crc u32 = CRC32(bytes 0..7)]
//   [headers][payload][message_crc u32 = CRC32(bytes 0..total_len-5)]
//
// Both CRCs are checked (CRC-32/IEEE, node:zlib crc32). Frames may be split anywhere across
// chunks; bytes left over when the source ends are an error, never silently dropped.
import { crc32 } from 'node:zlib'
import { decodeHeaders, EventStreamDecodeError, type HeaderValue } from './event-stream-headers.ts'

export interface EventStreamMessage {
  /** Shared between messages whose header blocks are equal: read it, never change it. */
  headers: Readonly<Record<string, HeaderValue>>
  payload: Uint8Array
}

const preludeLength = 12
const overhead = 16
// Bedrock frames are small; a huge declared length means corruption, and must not make us buffer.
const maximumMessageLength = 16 * 1024 * 1024

// Header blocks seen before, shared by every stream of the process. Bedrock's frames carry a few
// distinct blocks (one per event type: a text delta's event type, content type and message type),
// so once they are known a frame's headers are found by comparing bytes in place, with nothing
// decoded or allocated. Only blocks of immutable values are kept, and only so many: past that,
// blocks are decoded per frame as before.
interface KnownBlock {
  block: Buffer
  headers: Readonly<Record<string, HeaderValue>>
}
const knownBlocks: KnownBlock[] = []
const maximumKnownBlocks = 64

const immutable = (value: HeaderValue): boolean =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'

function headersAt(
  buffer: Buffer,
  start: number,
  end: number,
): Readonly<Record<string, HeaderValue>> {
  const length = end - start
  for (const known of knownBlocks) {
    if (known.block.length === length && buffer.compare(known.block, 0, length, start, end) === 0)
      return known.headers
  }
  const block = buffer.subarray(start, end)
  const headers = decodeHeaders(block)
  if (knownBlocks.length < maximumKnownBlocks && Object.values(headers).every(immutable))
    knownBlocks.push({ block: Buffer.from(block), headers: Object.freeze(headers) })
  return headers
}

// Checked as soon as 12 bytes are in, so a corrupt length cannot make us wait or buffer.
function frameLengthAt(buffer: Buffer, offset: number): number {
  const totalLength = buffer.readUInt32BE(offset)
  const headersLength = buffer.readUInt32BE(offset + 4)
  const expected = buffer.readUInt32BE(offset + 8)
  const actual = crc32(buffer.subarray(offset, offset + 8))
  if (expected !== actual) {
    throw new EventStreamDecodeError(
      `Prelude checksum mismatch: expected ${expected}, computed ${actual}.`,
    )
  }
  if (
    totalLength < overhead ||
    totalLength > maximumMessageLength ||
    headersLength > totalLength - overhead
  ) {
    throw new EventStreamDecodeError(
      `Invalid frame lengths: total ${totalLength}, headers ${headersLength}.`,
    )
  }
  return totalLength
}

// The whole frame at `start` is in `buffer`; its prelude was checked.
function frameAt(buffer: Buffer, start: number, length: number): EventStreamMessage {
  const end = start + length
  const expected = buffer.readUInt32BE(end - 4)
  const actual = crc32(buffer.subarray(start, end - 4))
  if (expected !== actual) {
    throw new EventStreamDecodeError(
      `Message checksum mismatch: expected ${expected}, computed ${actual}.`,
    )
  }
  const headersStart = start + preludeLength
  const payloadStart = headersStart + buffer.readUInt32BE(start + 4)
  const headers = headersAt(buffer, headersStart, payloadStart)
  // A view, not a copy: the network's buffers are fresh per read and never written again.
  return { headers, payload: buffer.subarray(payloadStart, end - 4) }
}

/** The bytes as a Buffer: the same memory, no copy. */
export const asBuffer = (chunk: Uint8Array): Buffer =>
  Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)

/**
 * EventStreamDecoder takes bytes in whatever pieces the network delivers and returns whole,
 * checked messages. Use `push` per chunk and `end` once the source is done. A read that holds
 * whole frames (the usual case) is decoded in place; only a frame split across reads is copied
 * together, once all of it is in.
 */
export class EventStreamDecoder {
  // A frame's bytes so far, when it was split across reads, and how many it needs in all.
  #pending: Buffer[] = []
  #buffered = 0
  #needed = preludeLength

  push(chunk: Uint8Array): EventStreamMessage[] {
    const messages: EventStreamMessage[] = []
    if (chunk.length === 0) return messages
    let buffer = asBuffer(chunk)
    if (this.#buffered > 0) {
      this.#pending.push(buffer)
      this.#buffered += buffer.length
      if (this.#buffered < this.#needed) return messages
      buffer = Buffer.concat(this.#pending, this.#buffered)
      this.#pending = []
      this.#buffered = 0
    }
    let offset = 0
    let needed = preludeLength
    while (buffer.length - offset >= preludeLength) {
      const length = frameLengthAt(buffer, offset)
      if (buffer.length - offset < length) {
        needed = length
        break
      }
      messages.push(frameAt(buffer, offset, length))
      offset += length
    }
    if (offset < buffer.length) {
      this.#pending = [offset === 0 ? buffer : buffer.subarray(offset)]
      this.#buffered = buffer.length - offset
      this.#needed = needed
    }
    return messages
  }

  /** end throws if the source stopped inside a frame. */
  end(): void {
    if (this.#buffered > 0) {
      throw new EventStreamDecodeError(
        `Stream ended inside a frame (${this.#buffered} bytes left over).`,
      )
    }
  }
}

export { EventStreamDecodeError }
