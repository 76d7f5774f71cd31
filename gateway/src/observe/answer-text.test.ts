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
})
