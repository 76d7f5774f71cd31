import { describe, expect, it } from 'vitest'
import { messagesStreamTranslator } from './stream.ts'

describe('messagesStreamTranslator', () => {
  it("names the alias, drops Bedrock's metrics and upstream pings, and gathers usage", () => {
    const translator = messagesStreamTranslator('claude')
    const start = {
      type: 'message_start',
      message: {
        id: 'msg_1',
        model: 'claude-sonnet-4-6',
        usage: { input_tokens: 7, cache_read_input_tokens: 5 },
      },
    }
    expect(translator.push(start)).toEqual([
      { ...start, message: { ...start.message, model: 'claude' } },
    ])
    expect(translator.push({ type: 'ping' })).toEqual([])
    const delta = {
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'signature_delta', signature: 'Eq' },
    }
    expect(translator.push(delta)).toEqual([delta])
    translator.push({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn' },
      usage: { output_tokens: 9 },
    })
    expect(
      translator.push({
        type: 'message_stop',
        'amazon-bedrock-invocationMetrics': { inputTokenCount: 7 },
      }),
    ).toEqual([{ type: 'message_stop' }])
    expect(translator.usage()).toEqual({
      input_tokens: 7,
      cache_read_input_tokens: 5,
      output_tokens: 9,
    })
  })

  it("reports Claude's error event as a failure", () => {
    const translator = messagesStreamTranslator('claude')
    expect(
      translator.push({
        type: 'error',
        error: { type: 'overloaded_error', message: 'Overloaded' },
      }),
    ).toEqual({ type: 'overloaded_error', message: 'Overloaded' })
  })

  it('passes event types it does not know', () => {
    const event = {
      type: 'content_block_start',
      index: 1,
      content_block: { type: 'server_tool_use' },
    }
    expect(messagesStreamTranslator('a').push(event)).toEqual([event])
  })
})
