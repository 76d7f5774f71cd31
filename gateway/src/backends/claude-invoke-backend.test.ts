// The Claude backend's stream failures carry the catalogue's names: a stream that ends before
// message_stop is upstream_stream_incomplete, as on Converse and Mantle, and Claude's own `error`
// event keeps Anthropic's status and type.
import { describe, expect, it } from 'vitest'
import { eventFrame } from '../../test-support/event-stream-encoder.ts'
import { GatewayError } from '../errors/gateway-error.ts'
import type { ClaudeInvokeClient } from '../upstream/claude-invoke-client.ts'
import { createClaudeInvokeBackend } from './claude-invoke-backend.ts'
import { pushable } from '../streaming/push-stream.ts'

const chunk = (event: unknown): Buffer =>
  eventFrame('chunk', { bytes: Buffer.from(JSON.stringify(event)).toString('base64') })

function backendStreaming(events: unknown[]) {
  const client: ClaudeInvokeClient = {
    invoke: () => Promise.reject(new Error('not called')),
    invokeStream: () =>
      Promise.resolve(
        (async function* () {
          await Promise.resolve()
          for (const event of events) yield chunk(event)
        })(),
      ),
    close: () => Promise.resolve(),
  }
  return createClaudeInvokeBackend({
    client,
    countTokens: { countTokens: () => Promise.resolve(0), close: () => undefined },
  })
}

async function failureOf(events: unknown[]): Promise<GatewayError> {
  const backend = backendStreaming(events)
  const stream = backend.stream(
    { body: {} },
    { kind: 'converse', modelId: 'anthropic.claude-sonnet-4-6', region: 'us-east-1' },
    { model: 'sonnet', signal: new AbortController().signal },
  )
  try {
    for await (const event of stream) expect(event.type).not.toBe('message_stop')
  } catch (error) {
    if (error instanceof GatewayError) return error
    throw error
  }
  throw new Error('the stream ended without a failure')
}

const start = { type: 'message_start', message: { id: 'msg_1', usage: { input_tokens: 3 } } }

describe('Claude stream failures', () => {
  it('names a stream ended before message_stop upstream_stream_incomplete', async () => {
    const error = await failureOf([
      start,
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'hi' } },
    ])
    expect({ status: error.status, code: error.code }).toEqual({
      status: 502,
      code: 'upstream_stream_incomplete',
    })
  })

  it("passes Claude's error event through with Anthropic's status and type", async () => {
    const error = await failureOf([
      start,
      { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
    ])
    expect({ status: error.status, code: error.code, message: error.message }).toEqual({
      status: 503,
      code: 'overloaded_error',
      message: 'Overloaded',
    })
  })
})

describe('Claude stream by push', () => {
  it('is read by pull to its first event, then hands the rest over by push', async () => {
    const delta = {
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'text_delta', text: 'hi' },
    }
    const stream = backendStreaming([
      start,
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      delta,
      { type: 'content_block_stop', index: 0 },
      { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 1 } },
      { type: 'message_stop' },
    ]).stream(
      { body: {} },
      { kind: 'converse', modelId: 'anthropic.claude-sonnet-4-6', region: 'us-east-1' },
      { model: 'sonnet', signal: new AbortController().signal },
    )
    const iterator = stream[Symbol.asyncIterator]()
    const first = await iterator.next()
    expect(first.value).toMatchObject({ type: 'message_start' })
    const source = pushable(iterator)
    expect(source, 'the started stream offers its push side').toBeDefined()
    const rest = await new Promise<string[]>((resolve, reject) => {
      const types: string[] = []
      source?.pushTo({
        push(items) {
          types.push(...items.map((item) => item.type))
          return true
        },
        end: () => resolve(types),
        fail: reject,
      })
    })
    expect(rest).toEqual([
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ])
  })
})
