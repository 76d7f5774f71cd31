import { describe, expect, it } from 'vitest'
import { chatFinishReason, messageDeltaStopReason, responseStopReason } from './stop-reason.ts'

describe('stop reasons as upstream gives them', () => {
  it("reads the first finish_reason of an OpenAI answer's choices", () => {
    expect(chatFinishReason([{ index: 0, finish_reason: 'length' }])).toBe('length')
    expect(chatFinishReason([{ finish_reason: null }, { finish_reason: 'stop' }])).toBe('stop')
    expect(chatFinishReason([{ index: 0, delta: {}, finish_reason: null }])).toBeUndefined()
    expect(chatFinishReason([])).toBeUndefined()
  })

  it("reads a Response's incomplete reason, else its status", () => {
    expect(
      responseStopReason({
        status: 'incomplete',
        incomplete_details: { reason: 'max_output_tokens' },
      }),
    ).toBe('max_output_tokens')
    expect(responseStopReason({ status: 'completed', incomplete_details: null })).toBe('completed')
    expect(responseStopReason(undefined)).toBeUndefined()
  })

  it("reads stop_reason from Claude's message_delta only", () => {
    const delta = {
      type: 'message_delta',
      delta: { stop_reason: 'model_context_window_exceeded', stop_sequence: null },
    }
    expect(messageDeltaStopReason(delta)).toBe('model_context_window_exceeded')
    expect(messageDeltaStopReason({ type: 'message_delta', delta: { stop_reason: null } })).toBe(
      undefined,
    )
    expect(messageDeltaStopReason({ ...delta, type: 'message_start' })).toBeUndefined()
  })
})
