import { crc32 } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { encodeFrame, eventFrame, exceptionFrame } from './event-stream-encoder.ts'

// The test vector of docs/reference/event-stream.md: messageStart {"role":"assistant"} as Bedrock
// sends it.
const testVector =
  '000000760000005296d5fade0b3a6576656e742d74797065' +
  '07000c6d65737361676553746172740d3a636f6e74656e742d747970650700106170706c69636174696f6e2f6a736f6e0d3a6d6573736167652d747970650700056576656e747b22726f6c65223a22617373697374616e74227d6fa8c599'

// A deliberately independent reader, so the encoder is not checked against itself.
function decode(frame: Buffer): { headers: Record<string, string>; payload: string } {
  const total = frame.readUInt32BE(0)
  const headersLength = frame.readUInt32BE(4)
  expect(total).toBe(frame.length)
  expect(frame.readUInt32BE(8)).toBe(crc32(frame.subarray(0, 8)))
  expect(frame.readUInt32BE(total - 4)).toBe(crc32(frame.subarray(0, total - 4)))
  const headers: Record<string, string> = {}
  let at = 12
  while (at < 12 + headersLength) {
    const nameLength = frame.readUInt8(at)
    const name = frame.toString('utf8', at + 1, at + 1 + nameLength)
    at += 1 + nameLength
    expect(frame.readUInt8(at)).toBe(7)
    const valueLength = frame.readUInt16BE(at + 1)
    headers[name] = frame.toString('utf8', at + 3, at + 3 + valueLength)
    at += 3 + valueLength
  }
  return { headers, payload: frame.toString('utf8', at, total - 4) }
}

describe('event-stream encoder', () => {
  it('matches the Bedrock test vector byte for byte', () => {
    expect(eventFrame('messageStart', { role: 'assistant' }).toString('hex')).toBe(testVector)
  })

  it.each([
    {
      name: 'event frame',
      frame: eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'héllo' } }),
      headers: {
        ':event-type': 'contentBlockDelta',
        ':content-type': 'application/json',
        ':message-type': 'event',
      },
      payload: '{"contentBlockIndex":0,"delta":{"text":"héllo"}}',
    },
    {
      name: 'exception frame',
      frame: exceptionFrame('throttlingException', { message: 'slow down' }),
      headers: {
        ':exception-type': 'throttlingException',
        ':content-type': 'application/json',
        ':message-type': 'exception',
      },
      payload: '{"message":"slow down"}',
    },
    {
      name: 'frame without headers or payload',
      frame: encodeFrame([], new Uint8Array()),
      headers: {},
      payload: '',
    },
  ])('encodes a $name with valid lengths and CRCs', ({ frame, headers, payload }) => {
    expect(decode(frame)).toEqual({ headers, payload })
  })

  it('rejects a header name longer than 255 bytes', () => {
    expect(() => encodeFrame([['x'.repeat(256), 'v']], new Uint8Array())).toThrow(RangeError)
  })
})
