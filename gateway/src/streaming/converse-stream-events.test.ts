import { describe, expect, it } from 'vitest'
import { GatewayError } from '../errors/gateway-error.ts'
import { eventBatches } from './bedrock-frames.ts'
import { toConverseStreamEvent, type ConverseStreamEvent } from './converse-stream-events.ts'
import { EventStreamDecoder } from './event-stream-decoder.ts'
import {
  encodeEventStreamMessage,
  errorFrame,
  eventFrame,
  exceptionFrame,
} from '../../test-support/event-stream-encoder.ts'
import { sourceOf } from '../../test-support/byte-feedings.ts'

const decode = (frame: Buffer) => {
  const [message] = new EventStreamDecoder().push(frame)
  if (message === undefined) throw new Error('no message')
  return message
}

function thrown(run: () => unknown): GatewayError {
  try {
    run()
  } catch (error) {
    if (error instanceof GatewayError) return error
    throw error
  }
  throw new Error('nothing thrown')
}

describe('ConverseStream event validation', () => {
  const events: [string, unknown, ConverseStreamEvent][] = [
    [
      'messageStart',
      { role: 'assistant', p: 'abcdef' },
      { type: 'messageStart', role: 'assistant', p: 'abcdef' },
    ],
    [
      'contentBlockStart',
      { contentBlockIndex: 1, start: { toolUse: { toolUseId: 't1', name: 'f' } } },
      {
        type: 'contentBlockStart',
        contentBlockIndex: 1,
        start: { toolUse: { toolUseId: 't1', name: 'f' } },
      },
    ],
    [
      'contentBlockDelta',
      { contentBlockIndex: 0, delta: { reasoningContent: { signature: 'sig' } } },
      {
        type: 'contentBlockDelta',
        contentBlockIndex: 0,
        delta: { reasoningContent: { signature: 'sig' } },
      },
    ],
    [
      'contentBlockStop',
      { contentBlockIndex: 2 },
      { type: 'contentBlockStop', contentBlockIndex: 2 },
    ],
    ['messageStop', { stopReason: 'end_turn' }, { type: 'messageStop', stopReason: 'end_turn' }],
    [
      'metadata',
      { usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 }, metrics: { latencyMs: 5 } },
      {
        type: 'metadata',
        usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 },
        metrics: { latencyMs: 5 },
      },
    ],
  ]

  it.each(events)('validates a %s event and keeps unknown keys', (eventType, payload, expected) => {
    expect(toConverseStreamEvent(decode(eventFrame(eventType, payload)))).toEqual(expected)
  })

  it('skips event types it does not know', () => {
    expect(toConverseStreamEvent(decode(eventFrame('citationsDelta', { x: 1 })))).toBeUndefined()
  })

  it('rejects a known event with an invalid payload as a 502', () => {
    const error = thrown(() =>
      toConverseStreamEvent(decode(eventFrame('contentBlockStop', { contentBlockIndex: 'one' }))),
    )
    expect(error).toMatchObject({
      status: 502,
      type: 'api_error',
      code: 'upstream_invalid_response',
    })
  })

  // Text deltas skip zod (isPlainTextDelta); the same payloads must come out the same, and what
  // the schema refuses must still be refused.
  it('checks text deltas exactly as their schema does', () => {
    const delta = { contentBlockIndex: 2, delta: { text: 'hi' }, p: 'abc' }
    expect(toConverseStreamEvent(decode(eventFrame('contentBlockDelta', delta)))).toEqual({
      type: 'contentBlockDelta',
      ...delta,
    })
    for (const invalid of [
      { contentBlockIndex: -1, delta: { text: 'hi' } },
      { contentBlockIndex: 1.5, delta: { text: 'hi' } },
      { contentBlockIndex: '1', delta: { text: 'hi' } },
      { contentBlockIndex: 0, delta: { text: 5 } },
      { contentBlockIndex: 0, delta: { text: 'hi', toolUse: { input: 7 } } },
      { contentBlockIndex: 0, delta: null },
    ]) {
      const error = thrown(() =>
        toConverseStreamEvent(decode(eventFrame('contentBlockDelta', invalid))),
      )
      expect(error).toMatchObject({ status: 502, code: 'upstream_invalid_response' })
    }
  })

  // messageStart, contentBlockStop and messageStop are checked by hand too.
  it('checks the other small events exactly as their schemas do', () => {
    const valid: [string, Record<string, unknown>][] = [
      ['messageStart', { role: 'assistant', p: 'ab' }],
      ['contentBlockStop', { contentBlockIndex: 3 }],
      ['messageStop', { stopReason: 'end_turn', additionalModelResponseFields: { x: 1 } }],
    ]
    for (const [type, payload] of valid)
      expect(toConverseStreamEvent(decode(eventFrame(type, payload)))).toEqual({
        type,
        ...payload,
      })
    const invalid: [string, Record<string, unknown>][] = [
      ['messageStart', { role: 7 }],
      ['messageStart', {}],
      ['contentBlockStop', { contentBlockIndex: -1 }],
      ['contentBlockStop', { contentBlockIndex: 0.5 }],
      ['messageStop', { stopReason: null }],
    ]
    for (const [type, payload] of invalid)
      expect(thrown(() => toConverseStreamEvent(decode(eventFrame(type, payload))))).toMatchObject({
        status: 502,
        code: 'upstream_invalid_response',
      })
  })

  it('rejects a payload that is not JSON as a 502', () => {
    const frame = encodeEventStreamMessage(
      [
        { name: ':event-type', type: 'string', value: 'messageStart' },
        { name: ':message-type', type: 'string', value: 'event' },
      ],
      Buffer.from('{"role":'),
    )
    expect(thrown(() => toConverseStreamEvent(decode(frame)))).toMatchObject({
      status: 502,
      code: 'upstream_invalid_response',
    })
  })

  const exceptions: [string, number, string, string][] = [
    ['throttlingException', 429, 'rate_limit_error', 'rate_limit_exceeded'],
    ['validationException', 400, 'invalid_request_error', 'invalid_request'],
    ['modelStreamErrorException', 502, 'api_error', 'model_error'],
    ['internalServerException', 500, 'server_error', 'internal_error'],
    ['serviceUnavailableException', 503, 'api_error', 'service_unavailable'],
    ['modelTimeoutException', 408, 'timeout_error', 'model_timeout'],
  ]

  it.each(exceptions)('turns a %s frame into %i %s', (member, status, type, code) => {
    const error = thrown(() =>
      toConverseStreamEvent(decode(exceptionFrame(member, { message: 'upstream says no' }))),
    )
    expect(error).toMatchObject({ status, type, code, message: 'upstream says no' })
    expect(error.upstreamType).toBe(member.charAt(0).toUpperCase() + member.slice(1))
  })

  it('turns an unmodelled error frame into a GatewayError', () => {
    const error = thrown(() => toConverseStreamEvent(decode(errorFrame('InternalFailure', 'boom'))))
    expect(error).toMatchObject({
      status: 502,
      type: 'api_error',
      message: 'boom',
      upstreamType: 'InternalFailure',
    })
  })

  it('turns a corrupted frame into a 502 for the client', async () => {
    const frame = eventFrame('messageStart', { role: 'assistant' })
    frame[frame.length - 2] = (frame[frame.length - 2] ?? 0) ^ 1
    const run = async () => {
      const events: unknown[] = []
      for await (const batch of eventBatches(sourceOf([frame]), toConverseStreamEvent))
        events.push(...batch)
    }
    await expect(run()).rejects.toMatchObject({ status: 502, code: 'upstream_stream_corrupted' })
  })
})
