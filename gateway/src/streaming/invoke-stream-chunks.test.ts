import { describe, expect, it } from 'vitest'
import { GatewayError } from '../errors/gateway-error.ts'
import { eventFrame, exceptionFrame } from '../../test-support/event-stream-encoder.ts'
import { feedingsOf } from '../../test-support/byte-feedings.ts'
import { eventBatches } from './bedrock-frames.ts'
import { chunkOf } from './invoke-stream-chunks.ts'

const events = [
  { type: 'message_start', message: { id: 'msg_1', usage: { input_tokens: 3 } } },
  { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'héllo ✓' } },
  { type: 'message_stop', 'amazon-bedrock-invocationMetrics': { inputTokenCount: 3 } },
]

const chunk = (event: unknown): Buffer =>
  eventFrame('chunk', {
    bytes: Buffer.from(JSON.stringify(event)).toString('base64'),
    p: 'abcdefgh',
  })

function piecesOf(pieces: Uint8Array[]): AsyncIterable<Uint8Array> {
  return (async function* () {
    for (const piece of pieces) {
      await Promise.resolve()
      yield piece
    }
  })()
}

async function collect(pieces: Uint8Array[]): Promise<unknown[]> {
  const out: unknown[] = []
  for await (const batch of eventBatches(piecesOf(pieces), chunkOf)) out.push(...batch)
  return out
}

describe('InvokeModelWithResponseStream chunks', () => {
  const stream = Buffer.concat(events.map(chunk))

  it.each(feedingsOf(stream))('decodes the chunks fed $name', async ({ pieces }) => {
    expect(await collect(pieces)).toEqual(events)
  })

  it('ignores event types other than chunk', async () => {
    const other = eventFrame('somethingNew', { x: 1 })
    expect(await collect([Buffer.concat([other, chunk(events[0])])])).toEqual([events[0]])
  })

  it('hands on the chunks before an exception frame, then throws it as a Bedrock error', async () => {
    const bytes = Buffer.concat([
      chunk(events[0]),
      exceptionFrame('throttlingException', { message: 'Too many tokens.' }),
    ])
    const seen: unknown[] = []
    const failure = await (async () => {
      try {
        for await (const batch of eventBatches(piecesOf([bytes]), chunkOf)) seen.push(...batch)
      } catch (error) {
        return error
      }
      return undefined
    })()
    expect(seen).toEqual([events[0]])
    expect(failure).toBeInstanceOf(GatewayError)
    expect(failure).toMatchObject({ status: 429, upstreamType: 'ThrottlingException' })
  })

  it('reports a corrupted frame and bytes left over as a corrupted stream', async () => {
    const corrupt = Buffer.from(stream)
    corrupt[corrupt.length - 1] = (corrupt[corrupt.length - 1] ?? 0) ^ 0xff
    await expect(collect([corrupt])).rejects.toMatchObject({ code: 'upstream_stream_corrupted' })
    await expect(collect([stream.subarray(0, stream.length - 3)])).rejects.toMatchObject({
      code: 'upstream_stream_corrupted',
    })
  })

  it('refuses a chunk whose bytes are not JSON', async () => {
    const bad = eventFrame('chunk', { bytes: Buffer.from('not json').toString('base64') })
    await expect(collect([bad])).rejects.toMatchObject({ status: 502 })
  })
})
