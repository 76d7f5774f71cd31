import { crc32 } from 'node:zlib'
import { EventStreamCodec, Int64 } from '@smithy/core/event-streams'
import { describe, expect, it } from 'vitest'
import {
  EventStreamDecodeError,
  EventStreamDecoder,
  type EventStreamMessage,
} from './event-stream-decoder.ts'
import { encodeEventStreamMessage, eventFrame } from '../../test-support/event-stream-encoder.ts'
import type { TypedHeader } from './event-stream-headers.ts'
import { feedingsOf, sourceOf } from '../../test-support/byte-feedings.ts'

// The test vector of docs/reference/event-stream.md: messageStart {"role":"assistant"}, headers in
// the order :event-type, :content-type, :message-type.
const testVector = Buffer.from(
  '000000760000005296d5fade0b3a6576656e742d74797065' +
    '07000c6d65737361676553746172740d3a636f6e74656e742d747970650700106170706c69636174696f6e2f6a736f6e0d3a6d6573736167652d747970650700056576656e747b22726f6c65223a22617373697374616e74227d6fa8c599',
  'hex',
)

// A copy with one bit of the byte at `at` flipped.
function flipped(bytes: Buffer, at: number): Buffer {
  const copy = Buffer.from(bytes)
  copy.writeUInt8(copy.readUInt8(at) ^ 0x01, at)
  return copy
}

const text = (payload: Uint8Array): string => Buffer.from(payload).toString('utf8')

// As the gateway reads a stream (streaming/converse-stream-events.ts): push every piece the
// network delivers, then end().
async function collect(pieces: readonly Uint8Array[]): Promise<EventStreamMessage[]> {
  const decoder = new EventStreamDecoder()
  const messages: EventStreamMessage[] = []
  for await (const piece of sourceOf(pieces)) messages.push(...decoder.push(piece))
  decoder.end()
  return messages
}

const smithyCodec = new EventStreamCodec(
  (input: Uint8Array) => new TextDecoder().decode(input),
  (input: string) => new TextEncoder().encode(input),
)

describe('event-stream decoder', () => {
  describe.each(feedingsOf(testVector))('the reference test vector fed $name', ({ pieces }) => {
    it('decodes one messageStart event', async () => {
      const [message, ...rest] = await collect(pieces)
      expect(rest).toEqual([])
      expect(message?.headers).toEqual({
        ':event-type': 'messageStart',
        ':content-type': 'application/json',
        ':message-type': 'event',
      })
      expect(text(message?.payload ?? new Uint8Array())).toBe('{"role":"assistant"}')
    })
  })

  it('gives each frame its own header block when consecutive blocks differ and when they repeat', () => {
    const frames = [
      eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'a' } }),
      eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'b' } }),
      eventFrame('contentBlockStop', { contentBlockIndex: 0 }),
      eventFrame('contentBlockDelta', { contentBlockIndex: 1, delta: { text: 'c' } }),
    ]
    const decoder = new EventStreamDecoder()
    const types = frames.flatMap((frame) =>
      decoder.push(frame).map((message) => message.headers[':event-type']),
    )
    expect(types).toEqual([
      'contentBlockDelta',
      'contentBlockDelta',
      'contentBlockStop',
      'contentBlockDelta',
    ])
  })

  it('re-encodes the test vector bit for bit', () => {
    expect(eventFrame('messageStart', { role: 'assistant' }).equals(testVector)).toBe(true)
  })

  const many = Buffer.concat(
    Array.from({ length: 40 }, (_, index) =>
      eventFrame('contentBlockDelta', {
        contentBlockIndex: 0,
        delta: { text: `piece ${index} `.repeat(index % 7) },
        p: 'x'.repeat(index),
      }),
    ),
  )

  describe.each(feedingsOf(many))('forty frames fed $name', ({ pieces }) => {
    it('decodes every frame in order', async () => {
      const messages = await collect(pieces)
      expect(messages).toHaveLength(40)
      messages.forEach((message, index) => {
        expect(JSON.parse(text(message.payload))).toMatchObject({
          delta: { text: `piece ${index} `.repeat(index % 7) },
        })
      })
    })
  })

  it('reads headers of every type, as encoded by the AWS SDK codec', () => {
    const frame = smithyCodec.encode({
      headers: {
        yes: { type: 'boolean', value: true },
        no: { type: 'boolean', value: false },
        tiny: { type: 'byte', value: -7 },
        small: { type: 'short', value: -1234 },
        medium: { type: 'integer', value: 123456789 },
        large: { type: 'long', value: Int64.fromNumber(4294967298) },
        blob: { type: 'binary', value: new Uint8Array([1, 2, 3]) },
        name: { type: 'string', value: 'hé' },
        when: { type: 'timestamp', value: new Date(1_700_000_000_123) },
        id: { type: 'uuid', value: '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0' },
      },
      body: new Uint8Array([0x7b, 0x7d]),
    })
    const [message] = new EventStreamDecoder().push(frame)
    expect(message?.headers).toEqual({
      yes: true,
      no: false,
      tiny: -7,
      small: -1234,
      medium: 123456789,
      large: 4294967298n,
      blob: new Uint8Array([1, 2, 3]),
      name: 'hé',
      when: new Date(1_700_000_000_123),
      id: '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
    })
  })

  it('writes headers of every type that the AWS SDK codec reads back', () => {
    const headers: TypedHeader[] = [
      { name: 'yes', type: 'true', value: true },
      { name: 'tiny', type: 'byte', value: 5 },
      { name: 'small', type: 'short', value: 300 },
      { name: 'medium', type: 'integer', value: -5 },
      { name: 'large', type: 'long', value: 9007199254740993n },
      { name: 'blob', type: 'bytes', value: new Uint8Array([9]) },
      { name: 'when', type: 'timestamp', value: new Date(86_400_000) },
      { name: 'id', type: 'uuid', value: '00112233-4455-6677-8899-aabbccddeeff' },
    ]
    const frame = encodeEventStreamMessage(headers, new Uint8Array([1]))
    const decoded = smithyCodec.decode(frame)
    expect(decoded.headers.medium).toEqual({ type: 'integer', value: -5 })
    expect(decoded.headers.id).toEqual({
      type: 'uuid',
      value: '00112233-4455-6677-8899-aabbccddeeff',
    })
    expect(decoded.headers.when).toEqual({ type: 'timestamp', value: new Date(86_400_000) })
    expect(new EventStreamDecoder().push(frame)[0]?.headers.large).toBe(9007199254740993n)
  })

  const corruptions: [string, (frame: Buffer) => void, RegExp][] = [
    ['a flipped prelude CRC bit', (frame) => (frame[8] = (frame[8] ?? 0) ^ 1), /Prelude checksum/],
    ['a flipped length bit', (frame) => (frame[3] = (frame[3] ?? 0) ^ 4), /Prelude checksum/],
    [
      'a flipped payload bit',
      (frame) => (frame[frame.length - 6] = (frame[frame.length - 6] ?? 0) ^ 0x20),
      /Message checksum/,
    ],
    [
      'a flipped message CRC bit',
      (frame) => (frame[frame.length - 1] = (frame[frame.length - 1] ?? 0) ^ 0x80),
      /Message checksum/,
    ],
  ]

  it.each(corruptions)('rejects %s', async (_name, corrupt, pattern) => {
    const frame = Buffer.from(testVector)
    corrupt(frame)
    for (const { pieces } of feedingsOf(frame, [7])) {
      await expect(collect(pieces)).rejects.toThrow(pattern)
    }
  })

  it('rejects a stream that ends inside a frame', async () => {
    const cut = Buffer.concat([testVector, testVector.subarray(0, 30)])
    const error: unknown = await collect([cut]).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(EventStreamDecodeError)
    expect(String(error)).toMatch(/30 bytes left over/)
  })

  it('rejects a prelude that declares an impossible length', () => {
    const prelude = Buffer.alloc(12)
    prelude.writeUInt32BE(10, 0)
    prelude.writeUInt32BE(0, 4)
    prelude.writeUInt32BE(crc32(prelude.subarray(0, 8)), 8)
    expect(() => new EventStreamDecoder().push(prelude)).toThrow(/Invalid frame lengths/)
  })

  it('refuses a frame whose message checksum does not match, split or whole', async () => {
    const corrupt = flipped(testVector, testVector.length - 10)
    for (const { pieces } of feedingsOf(corrupt)) {
      const error: unknown = await collect(pieces).catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(EventStreamDecodeError)
      expect(String(error)).toMatch(/Message checksum mismatch/)
    }
  })

  it('refuses a prelude whose checksum does not match', () => {
    const corrupt = flipped(testVector, 9)
    expect(() => new EventStreamDecoder().push(corrupt)).toThrow(/Prelude checksum mismatch/)
  })

  it('shares the headers of a block of plain values between streams, frozen', () => {
    const [first] = new EventStreamDecoder().push(eventFrame('messageStop', { stopReason: 'x' }))
    const [again] = new EventStreamDecoder().push(eventFrame('messageStop', { stopReason: 'y' }))
    expect(again?.headers).toBe(first?.headers)
    expect(Object.isFrozen(first?.headers)).toBe(true)
  })

  it('decodes a block holding bytes afresh for every frame, since its value can be changed', () => {
    const frame = smithyCodec.encode({
      headers: { blob: { type: 'binary', value: new Uint8Array([1, 2, 3]) } },
      body: new Uint8Array(),
    })
    const decoder = new EventStreamDecoder()
    const [first] = decoder.push(frame)
    const [second] = decoder.push(frame)
    expect(second?.headers).not.toBe(first?.headers)
    expect(second?.headers['blob']).toEqual(new Uint8Array([1, 2, 3]))
  })

  it('accepts an empty stream', async () => {
    expect(await collect([])).toEqual([])
  })
})
