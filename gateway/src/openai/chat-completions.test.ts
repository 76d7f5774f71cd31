import { describe, expect, it } from 'vitest'
import { GatewayError } from '../errors/gateway-error.ts'
import { parseChatCompletionRequest } from './chat-completions.ts'

const valid = { model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] }

function rejection(body: unknown): GatewayError {
  try {
    parseChatCompletionRequest(body)
  } catch (error) {
    if (error instanceof GatewayError) return error
    throw error
  }
  throw new Error('expected a 400')
}

describe('parseChatCompletionRequest', () => {
  it('accepts every parameter OpenAI defines, in its OpenAI shape', () => {
    const body = {
      ...valid,
      messages: [
        { role: 'developer', content: 'Be terse.', name: 'ops' },
        {
          role: 'system',
          content: [
            { type: 'text', text: 'Rules', cache_control: { type: 'ephemeral', ttl: '1h' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          refusal: null,
          audio: null,
          function_call: null,
          annotations: [],
          reasoning_content: 'thinking',
          reasoning_signature: 'sig',
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'done' },
      ],
      frequency_penalty: 0,
      logit_bias: null,
      logprobs: false,
      max_completion_tokens: 100,
      metadata: { a: 'b' },
      modalities: ['text'],
      n: 1,
      parallel_tool_calls: true,
      presence_penalty: 0,
      prompt_cache_key: 'k',
      reasoning_effort: 'low',
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'out', schema: { type: 'object' }, strict: true },
      },
      safety_identifier: 's',
      seed: 1,
      service_tier: 'auto',
      stop: ['x'],
      store: false,
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.2,
      tool_choice: { type: 'function', function: { name: 'f' } },
      tools: [
        {
          type: 'function',
          function: { name: 'f', description: 'd', parameters: { type: 'object' }, strict: false },
        },
      ],
      top_logprobs: null,
      top_p: 1,
      user: 'u',
    }
    expect(parseChatCompletionRequest(body)).toEqual(body)
  })

  it.each([
    [
      'an unknown top-level argument',
      { ...valid, foo: 1 },
      'Unrecognized request argument supplied: foo',
      'foo',
      'unknown_parameter',
    ],
    [
      'an unknown key inside a message',
      { ...valid, messages: [{ role: 'user', content: 'x', mood: 'happy' }] },
      'Unrecognized request argument supplied: messages[0].mood',
      'messages[0].mood',
      'unknown_parameter',
    ],
    [
      'missing messages',
      { model: 'm' },
      "Missing required parameter: 'messages'.",
      'messages',
      'missing_required_parameter',
    ],
    [
      'missing model',
      { messages: valid.messages },
      "Missing required parameter: 'model'.",
      'model',
      'missing_required_parameter',
    ],
    [
      'a body that is not an object',
      [1],
      "Invalid type for 'body': expected object.",
      undefined,
      'invalid_type',
    ],
    [
      'a wrong type',
      { ...valid, temperature: 'hot' },
      "Invalid type for 'temperature': expected number.",
      'temperature',
      'invalid_type',
    ],
    [
      'an unknown role',
      { ...valid, messages: [{ role: 'robot', content: 'x' }] },
      "Invalid value for 'messages[0].role': expected one of 'system', 'developer', 'user', 'assistant', 'tool', 'function'.",
      'messages[0].role',
      'invalid_value',
    ],
    [
      'a bad part inside content',
      {
        ...valid,
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: 'https://x' }] }],
      },
      "Invalid type for 'messages[0].content[0].image_url': expected object.",
      'messages[0].content[0].image_url',
      'invalid_type',
    ],
    [
      'a tool message without its id',
      { ...valid, messages: [{ role: 'tool', content: 'x' }] },
      "Missing required parameter: 'messages[0].tool_call_id'.",
      'messages[0].tool_call_id',
      'missing_required_parameter',
    ],
    [
      'temperature above OpenAI range',
      { ...valid, temperature: 2.5 },
      undefined,
      'temperature',
      'invalid_value',
    ],
    ['an empty message list', { ...valid, messages: [] }, undefined, 'messages', 'invalid_value'],
    [
      'more than four stop sequences',
      { ...valid, stop: ['a', 'b', 'c', 'd', 'e'] },
      undefined,
      'stop',
      'invalid_value',
    ],
    [
      'a tool name OpenAI would reject',
      { ...valid, tools: [{ type: 'function', function: { name: 'get weather' } }] },
      undefined,
      'tools[0].function.name',
      'invalid_value',
    ],
    [
      'an unknown stream option',
      { ...valid, stream_options: { include_usage: true, chunk_size: 2 } },
      'Unrecognized request argument supplied: stream_options.chunk_size',
      'stream_options.chunk_size',
      'unknown_parameter',
    ],
  ])('rejects %s', (_name, body, message, param, code) => {
    const error = rejection(body)
    expect(error).toMatchObject({ status: 400, type: 'invalid_request_error', code })
    expect(error.param).toBe(param)
    if (message !== undefined) expect(error.message).toBe(message)
  })
})
