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

function decodeFrame(
  frame: Buffer,
  headersOf: (block: Buffer) => Readonly<Record<string, HeaderValue>>,
): EventStreamMessage {
  const expected = frame.readUInt32BE(frame.length - 4)
  const actual = crc32(frame.subarray(0, frame.length - 4))
  if (expected !== actual) {
    throw new EventStreamDecodeError(
      `Message checksum mismatch: expected ${expected}, computed ${actual}.`,
    )
  }
  const headersLength = frame.readUInt32BE(4)
  const headers = headersOf(frame.subarray(preludeLength, preludeLength + headersLength))
  // A view, not a copy: the network's buffers are fresh per read and never written again.
  const payload = frame.subarray(preludeLength + headersLength, frame.length - 4)
  return { headers, payload }
}

/**
 * EventStreamDecoder takes bytes in whatever pieces the network delivers and returns whole,
 * checked messages. Use `push` per chunk and `end` once the source is done.
 */
export class EventStreamDecoder {
  #chunks: Buffer[] = []
  #buffered = 0
  #frameLength: number | undefined
  // Consecutive frames of a stream mostly carry the same header block (a text delta's event type,
  // content type and message type): it is decoded once and compared byte for byte after that.
  #lastBlock: Buffer | undefined
  #lastHeaders: Readonly<Record<string, HeaderValue>> = {}
  readonly #headersOf = (block: Buffer): Readonly<Record<string, HeaderValue>> => {
    if (this.#lastBlock?.equals(block) === true) return this.#lastHeaders
    const headers = decodeHeaders(block)
    this.#lastBlock = Buffer.from(block)
    this.#lastHeaders = headers
    return headers
  }

  push(chunk: Uint8Array): EventStreamMessage[] {
    if (chunk.length > 0) {
      this.#chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength))
      this.#buffered += chunk.length
    }
    const messages: EventStreamMessage[] = []
    for (;;) {
      if (this.#frameLength === undefined) {
        if (this.#buffered < preludeLength) break
        this.#frameLength = this.#readPrelude()
      }
      if (this.#buffered < this.#frameLength) break
      const frame = this.#take(this.#frameLength)
      this.#frameLength = undefined
      messages.push(decodeFrame(frame, this.#headersOf))
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

  // Checked as soon as 12 bytes are in, so a corrupt length cannot make us wait or buffer.
  #readPrelude(): number {
    const prelude = this.#peek(preludeLength)
    const totalLength = prelude.readUInt32BE(0)
    const headersLength = prelude.readUInt32BE(4)
    const expected = prelude.readUInt32BE(8)
    const actual = crc32(prelude.subarray(0, 8))
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

  #peek(length: number): Buffer {
    const first = this.#chunks[0]
    if (first !== undefined && first.length >= length) return first
    const merged = Buffer.concat(this.#chunks)
    this.#chunks = [merged]
    return merged
  }

  #take(length: number): Buffer {
    const head = this.#peek(length)
    const frame = head.subarray(0, length)
    const rest = head.subarray(length)
    if (rest.length > 0) this.#chunks[0] = rest
    else this.#chunks.shift()
    this.#buffered -= length
    return frame
  }
}

export { EventStreamDecodeError }
