import { describe, expect, it } from 'vitest'
import { parseChatCompletionRequest } from '../../openai/chat-completions.ts'
import { toMantleRequest } from './request.ts'

const request = (body: Record<string, unknown> = {}) =>
  parseChatCompletionRequest({
    model: 'support-chat',
    messages: [{ role: 'user', content: 'Hello' }],
    ...body,
  })

describe('toMantleRequest', () => {
  it('passes the request through with the Bedrock model id', () => {
    const tools = [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }]
    expect(
      toMantleRequest(request({ temperature: 0.2, tools, reasoning_effort: 'high' }), {
        modelId: 'openai.gpt-oss-120b',
      }),
    ).toEqual({
      model: 'openai.gpt-oss-120b',
      messages: [{ role: 'user', content: 'Hello' }],
      temperature: 0.2,
      tools,
      reasoning_effort: 'high',
    })
  })

  it('always asks for usage on a stream, keeping the other stream options', () => {
    const modelId = 'openai.gpt-oss-20b'
    expect(toMantleRequest(request({ stream: true }), { modelId }).stream_options).toEqual({
      include_usage: true,
    })
    expect(
      toMantleRequest(
        request({
          stream: true,
          stream_options: { include_usage: false, include_obfuscation: false },
        }),
        { modelId },
      ).stream_options,
    ).toEqual({ include_usage: true, include_obfuscation: false })
  })

  it('leaves a non-streaming request without stream options', () => {
    expect(toMantleRequest(request(), { modelId: 'm' })).not.toHaveProperty('stream_options')
  })
})
