import { describe, expect, it } from 'vitest'
import { GatewayError } from '../../errors/gateway-error.ts'
import { converseResponseSchema, type ConverseResponse } from '../../upstream/converse-shapes.ts'
import { finishReasonOf } from './finish-reason.ts'
import { readFixture } from '../../../test-support/converse-stream-fixtures/event-fixtures.ts'
import { toChatCompletion, type ChatResponseContext } from './response.ts'
import { toCompletionUsage } from './usage.ts'

const context: ChatResponseContext = {
  id: 'chatcmpl-1',
  created: 1767225600,
  model: 'support-chat',
  singleToolCall: false,
}
const usage = { inputTokens: 10, outputTokens: 5, totalTokens: 15 }

function response(
  content: unknown[],
  stopReason = 'end_turn',
  extra: Record<string, unknown> = {},
): ConverseResponse {
  return converseResponseSchema.parse({
    output: { message: { role: 'assistant', content } },
    stopReason,
    usage,
    metrics: { latencyMs: 1 },
    ...extra,
  })
}

describe('Converse response → ChatCompletion', () => {
  const toolUse = converseResponseSchema.parse(
    JSON.parse(readFixture('tool-use', '.converse.json').toString('utf8')),
  )

  it('maps a recorded tool-use response with reasoning', () => {
    expect(toChatCompletion(toolUse, context)).toEqual({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1767225600,
      model: 'support-chat',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: "I'll look both up.",
            refusal: null,
            reasoning_content: 'The user wants the weather in two cities; call the tool twice.',
            reasoning_signature: 'ErUBCkYIBRgCIkBxYz0signature',
            tool_calls: [
              {
                id: 'tooluse_p1mZ2T2fQ3e1aJ0dK9uX4w',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
              },
              {
                id: 'tooluse_Rr7pW0cBSNmh1uY2E3gHqA',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city":"Rome","unit":"c"}' },
              },
            ],
          },
          finish_reason: 'tool_calls',
          logprobs: null,
        },
      ],
      usage: {
        prompt_tokens: 1395,
        completion_tokens: 142,
        total_tokens: 1537,
        prompt_tokens_details: { cached_tokens: 1024 },
      },
    })
  })

  it('hands over only the first tool call when parallel_tool_calls is false', () => {
    const calls = toChatCompletion(toolUse, { ...context, singleToolCall: true }).choices[0]
      ?.message.tool_calls
    expect(calls?.map((call) => call.id)).toEqual(['tooluse_p1mZ2T2fQ3e1aJ0dK9uX4w'])
  })

  it.each([
    ['joins text blocks', [{ text: 'Hello ' }, { text: 'world' }], { content: 'Hello world' }],
    [
      'gives null content beside tool calls only',
      [{ toolUse: { toolUseId: 't', name: 'f', input: {} } }],
      { content: null },
    ],
    ['gives empty content for an empty answer', [], { content: '' }],
    [
      'writes "{}" for a tool without input',
      [{ toolUse: { toolUseId: 't', name: 'f' } }],
      { tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{}' } }] },
    ],
    [
      'ignores redacted reasoning and unknown blocks',
      [{ reasoningContent: { redactedContent: 'AAAA' } }, { citationsContent: {} }, { text: 'ok' }],
      { content: 'ok' },
    ],
  ])('%s', (_name, content, expected) => {
    expect(toChatCompletion(response(content), context).choices[0]?.message).toMatchObject(expected)
  })

  it('reports the service tier Bedrock used', () => {
    expect(
      toChatCompletion(
        response([{ text: 'x' }], 'end_turn', { serviceTier: { type: 'flex' } }),
        context,
      ).service_tier,
    ).toBe('flex')
  })

  it('throws for malformed output instead of answering', () => {
    expect(() =>
      toChatCompletion(response([{ text: 'x' }], 'malformed_model_output'), context),
    ).toThrow(GatewayError)
  })
})

describe('finish_reason mapping', () => {
  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['tool_use', 'tool_calls'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['guardrail_intervened', 'content_filter'],
    ['content_filtered', 'content_filter'],
    ['some_future_reason', 'stop'],
  ])('%s → %s', (stopReason, finishReason) => {
    expect(finishReasonOf(stopReason)).toBe(finishReason)
  })

  it.each(['malformed_model_output', 'malformed_tool_use'])(
    '%s → 500 server_error',
    (stopReason) => {
      expect(() => finishReasonOf(stopReason)).toThrow(
        expect.objectContaining({
          status: 500,
          type: 'server_error',
          code: 'invalid_model_output',
          upstreamType: stopReason,
        }) as Error,
      )
    },
  )
})

describe('usage mapping', () => {
  it.each([
    [
      'plain',
      { inputTokens: 10, outputTokens: 5 },
      {
        prompt_tokens: 10,
        completion_tokens: 5,
        total_tokens: 15,
        prompt_tokens_details: { cached_tokens: 0 },
      },
    ],
    [
      'cache read',
      { inputTokens: 10, outputTokens: 5, cacheReadInputTokens: 90 },
      {
        prompt_tokens: 100,
        completion_tokens: 5,
        total_tokens: 105,
        prompt_tokens_details: { cached_tokens: 90 },
      },
    ],
    [
      'cache read and write',
      { inputTokens: 10, outputTokens: 5, cacheReadInputTokens: 90, cacheWriteInputTokens: 40 },
      {
        prompt_tokens: 140,
        completion_tokens: 5,
        total_tokens: 145,
        prompt_tokens_details: { cached_tokens: 90, cache_write_tokens: 40 },
      },
    ],
  ])('%s', (_name, converse, openai) => {
    expect(toCompletionUsage(converse)).toEqual(openai)
  })
})
