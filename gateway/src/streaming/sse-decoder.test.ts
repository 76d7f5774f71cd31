import { describe, expect, it } from 'vitest'
import { feedingsOf, sourceOf } from '../../test-support/byte-feedings.ts'
import { decodeSseData } from './sse-decoder.ts'

async function decode(pieces: readonly Uint8Array[]): Promise<string[]> {
  const out: string[] = []
  for await (const data of decodeSseData(sourceOf(pieces))) out.push(data)
  return out
}

const encoder = new TextEncoder()

// Every rule of the SSE grammar we rely on, in one recorded-style stream: mixed line endings, a
// comment, an `event:` field, a field without a space, multi-line data, multi-byte UTF-8 (split
// apart by the byte-by-byte feeding), an event with no data and an unterminated last event.
const stream =
  '\uFEFF: keep-alive\n\n' +
  'data: {"id":"a","choices":[]}\n\n' +
  'event: message\r\ndata:{"text":"héllo 🌍"}\r\n\r\n' +
  'id: 7\r\r' +
  'data: first\rdata: second\r\r' +
  'data\n\n' +
  'data: [DONE]\n\n' +
  'data: cut off'

const expected = ['{"id":"a","choices":[]}', '{"text":"héllo 🌍"}', 'first\nsecond', '', '[DONE]']

describe('decodeSseData', () => {
  for (const feeding of feedingsOf(encoder.encode(stream))) {
    it(`yields each event's data, fed ${feeding.name}`, async () => {
      expect(await decode(feeding.pieces)).toEqual(expected)
    })
  }

  it('keeps a CR that ends one piece apart from a LF that starts the next', async () => {
    const pieces = ['data: a\r', '\ndata: b\r', '\r', '\n', 'data: c\n\n'].map((piece) =>
      encoder.encode(piece),
    )
    // `b\r`, `\r`, `\n`: the second CR and the LF arrive apart yet make one CRLF, one blank line.
    expect(await decode(pieces)).toEqual(['a\nb', 'c'])
  })

  it('dispatches an event whose blank line ends in a CR at the very end of the stream', async () => {
    expect(await decode([encoder.encode('data: x\r\r')])).toEqual(['x'])
  })
})
