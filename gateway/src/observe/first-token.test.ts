import { describe, expect, it } from 'vitest'
import { createTestApp, postChat, textChunk, usageChunk } from '../../test-support/app-test-kit.ts'
import type { ChatCompletionChunk } from '../openai/chat-completion-response.ts'
import { chatChunkHasToken, responsesEventHasToken } from './first-token.ts'
import type { RecordListener, RequestRecord } from './request-record.ts'

const roleChunk: ChatCompletionChunk = {
  ...textChunk(''),
  choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
}

describe('items that carry a token', () => {
  it('are chat chunks with text, reasoning, a refusal or a tool call', () => {
    expect(chatChunkHasToken(roleChunk)).toBe(false)
    expect(chatChunkHasToken(usageChunk())).toBe(false)
    expect(chatChunkHasToken(textChunk('Hi'))).toBe(true)
    const toolCall = {
      ...roleChunk,
      choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'c' }] }, finish_reason: null }],
    }
    expect(chatChunkHasToken(toolCall)).toBe(true)
    const reasoning = {
      ...roleChunk,
      choices: [{ index: 0, delta: { reasoning_content: 'Hmm' }, finish_reason: null }],
    }
    expect(chatChunkHasToken(reasoning)).toBe(true)
  })

  it('are Responses delta events', () => {
    const event = (type: string) => ({ type, sequence_number: 0 })
    expect(responsesEventHasToken(event('response.created'))).toBe(false)
    expect(responsesEventHasToken(event('response.output_item.added'))).toBe(false)
    expect(responsesEventHasToken(event('response.output_text.delta'))).toBe(true)
    expect(responsesEventHasToken(event('response.function_call_arguments.delta'))).toBe(true)
  })
})

describe('time to first token of a stream', () => {
  it('waits for the first generated token, not the role chunk that opens the stream', async () => {
    const closed: RequestRecord[] = []
    const listener: RecordListener = { finished: (record) => closed.push({ ...record }) }
    const { app, backend } = createTestApp({ requestListeners: [listener] })
    backend.script = [roleChunk, { delayMs: 60 }, textChunk('Hi', 'stop'), usageChunk()]
    await (
      await postChat(app, {
        model: 'claude',
        messages: [{ role: 'user', content: 'Hi' }],
        stream: true,
      })
    ).text()
    const record = closed[0]
    expect((record?.firstTokenAt ?? 0) - (record?.startedAt ?? 0)).toBeGreaterThanOrEqual(55)
  })
})
