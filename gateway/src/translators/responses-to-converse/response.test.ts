import { describe, expect, it } from 'vitest'
import { parseResponsesRequest } from '../../openai/responses.ts'
import type { ConverseOutputBlock, ConverseResponse } from '../../upstream/converse-shapes.ts'
import { toResponse, type ResponsesResponseContext } from './response.ts'

const context: ResponsesResponseContext = {
  id: 'resp_abc',
  createdAt: 1767225600,
  model: 'claude',
  request: parseResponsesRequest({ model: 'claude', input: 'Hi', instructions: 'Sys.' }),
}
const usage = { inputTokens: 10, outputTokens: 5, cacheReadInputTokens: 4 }
const converse = (content: ConverseOutputBlock[], stopReason = 'end_turn'): ConverseResponse => ({
  output: { message: { role: 'assistant', content } },
  stopReason,
  usage,
})

describe('toResponse', () => {
  it.each([
    {
      name: 'text',
      response: converse([{ text: 'Hello' }, { text: '!' }]),
      output: [
        {
          id: 'msg_abc_0',
          type: 'message',
          status: 'completed',
          role: 'assistant',
          content: [{ type: 'output_text', text: 'Hello!', annotations: [], logprobs: [] }],
        },
      ],
    },
    {
      name: 'reasoning, text and tool calls in that order',
      response: converse(
        [
          { reasoningContent: { reasoningText: { text: 'Think.', signature: 's' } } },
          { text: 'Checking.' },
          { toolUse: { toolUseId: 't1', name: 'weather', input: { city: 'Oslo' } } },
          { toolUse: { toolUseId: 't2', name: 'time' } },
        ],
        'tool_use',
      ),
      output: [
        {
          id: 'rs_abc_0',
          type: 'reasoning',
          summary: [],
          content: [{ type: 'reasoning_text', text: 'Think.' }],
        },
        expect.objectContaining({ id: 'msg_abc_1', type: 'message' }),
        {
          id: 'fc_abc_2',
          type: 'function_call',
          status: 'completed',
          call_id: 't1',
          name: 'weather',
          arguments: '{"city":"Oslo"}',
        },
        expect.objectContaining({ id: 'fc_abc_3', call_id: 't2', arguments: '{}' }),
      ],
    },
  ])('maps $name', ({ response, output }) => {
    const result = toResponse(response, context)
    expect(result.output).toEqual(output)
    expect(result).toMatchObject({
      id: 'resp_abc',
      object: 'response',
      created_at: 1767225600,
      model: 'claude',
      status: 'completed',
      incomplete_details: null,
      instructions: 'Sys.',
      store: false,
      usage: {
        input_tokens: 14,
        input_tokens_details: { cached_tokens: 4 },
        output_tokens: 5,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: 19,
      },
    })
  })

  it.each([
    ['max_tokens', 'max_output_tokens'],
    ['guardrail_intervened', 'content_filter'],
  ])('reports %s as incomplete (%s)', (stopReason, reason) => {
    expect(toResponse(converse([{ text: 'x' }], stopReason), context)).toMatchObject({
      status: 'incomplete',
      incomplete_details: { reason },
    })
  })

  it('echoes the requested text format, and text when none was asked', () => {
    const format = { type: 'json_schema', name: 'forecast', schema: { type: 'object' } }
    const asked = {
      ...context,
      request: parseResponsesRequest({ model: 'claude', input: 'Hi', text: { format } }),
    }
    expect(toResponse(converse([{ text: '{}' }]), asked).text).toEqual({ format })
    expect(toResponse(converse([{ text: 'x' }]), context).text).toEqual({
      format: { type: 'text' },
    })
  })

  it('gives reasoning as a summary when reasoning.summary asks for one', () => {
    const request = parseResponsesRequest({
      model: 'claude',
      input: 'Hi',
      reasoning: { summary: 'detailed' },
    })
    const response = converse([
      { reasoningContent: { reasoningText: { text: 'Think.', signature: 's' } } },
      { text: 'Done.' },
    ])
    expect(toResponse(response, { ...context, request })).toMatchObject({
      reasoning: { summary: 'detailed' },
      output: [
        { type: 'reasoning', summary: [{ type: 'summary_text', text: 'Think.' }], content: [] },
        { type: 'message' },
      ],
    })
  })

  it('throws a 500 for malformed output', () => {
    expect(() => toResponse(converse([], 'malformed_tool_use'), context)).toThrow(
      expect.objectContaining({ status: 500, code: 'invalid_model_output' }),
    )
  })
})
