import { describe, expect, it } from 'vitest'
import { jsonAnswerText, promptOf, sseAnswerText } from './answer-text.ts'

describe('answer text', () => {
  it('reads a chat completion and a Response', () => {
    expect(
      jsonAnswerText({
        object: 'chat.completion',
        choices: [{ message: { role: 'assistant', content: 'Hi there' } }],
      }),
    ).toBe('Hi there')
    expect(
      jsonAnswerText({
        object: 'response',
        output: [
          { type: 'reasoning', summary: [] },
          {
            type: 'message',
            content: [
              { type: 'output_text', text: 'One ' },
              { type: 'output_text', text: 'two' },
            ],
          },
        ],
      }),
    ).toBe('One two')
    expect(jsonAnswerText({ object: 'list', data: [] })).toBeUndefined()
  })

  it('reads chat and Responses streams, skipping what is not text', () => {
    const chat = [
      'data: {"object":"chat.completion.chunk","choices":[{"delta":{"role":"assistant"}}]}',
      'data: {"object":"chat.completion.chunk","choices":[{"delta":{"content":"Hel"}}]}',
      ': keep-alive',
      'data: {"object":"chat.completion.chunk","choices":[{"delta":{"content":"lo"}}]}',
      'data: [DONE]',
    ].join('\n\n')
    expect(sseAnswerText(chat)).toBe('Hello')
    const responses = [
      'event: response.created\ndata: {"type":"response.created","response":{}}',
      'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"Hi"}',
      'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"!"}',
    ].join('\n\n')
    expect(sseAnswerText(responses)).toBe('Hi!')
    expect(sseAnswerText('data: {"error":{"message":"x"}}')).toBeUndefined()
  })

  it('keeps only the prompt-bearing fields of a request', () => {
    expect(
      promptOf({ model: 'm', messages: [{ role: 'user', content: 'q' }], temperature: 1 }),
    ).toEqual({
      messages: [{ role: 'user', content: 'q' }],
    })
    expect(promptOf({ model: 'm', instructions: 'be brief', input: 'q' })).toEqual({
      instructions: 'be brief',
      input: 'q',
    })
    expect(promptOf(undefined)).toBeUndefined()
  })

  it("reads an Anthropic Message and its stream's text deltas, not its thinking", () => {
    const message = {
      type: 'message',
      content: [
        { type: 'thinking', thinking: 'hidden', signature: 's' },
        { type: 'text', text: 'Hi ' },
        { type: 'tool_use', id: 't', name: 'x', input: {} },
        { type: 'text', text: 'there' },
      ],
    }
    expect(jsonAnswerText(message)).toBe('Hi there')
    const stream = [
      'event: message_start\ndata: {"type":"message_start","message":{}}',
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"no"}}',
      'event: ping\ndata: {"type":"ping"}',
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Yes"}}',
    ].join('\n\n')
    expect(sseAnswerText(stream)).toBe('Yes')
    expect(promptOf({ model: 'm', system: 's', messages: [] })).toEqual({
      system: 's',
      messages: [],
    })
  })
})
