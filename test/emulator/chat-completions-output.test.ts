import { describe, expect, it } from 'vitest'
import {
  chatCompletion,
  chatCompletionChunks,
  chatUsage,
  finishReason,
} from './chat-completions-output.ts'
import { planPromptReply } from './converse-reply.ts'

const meta = { id: 'chatcmpl-1', created: 1700000000, model: 'm' }
const prompt = { lastUserText: 'hi', inputTokens: 5 }

describe('chat completion output', () => {
  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['tool_use', 'tool_calls'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['content_filtered', 'content_filter'],
    ['guardrail_intervened', 'content_filter'],
  ] as const)('maps stop reason %s to finish_reason %s', (stopReason, expected) => {
    expect(finishReason(stopReason)).toBe(expected)
  })

  it('counts cached tokens inside prompt_tokens, as OpenAI does', () => {
    const plan = planPromptReply(prompt, {
      text: 'a b',
      reasoning: { text: 'x y z', signature: 's' },
      usage: { inputTokens: 5, cacheReadInputTokens: 10, cacheWriteInputTokens: 2 },
    })
    expect(chatUsage(plan)).toEqual({
      prompt_tokens: 17,
      completion_tokens: 5,
      total_tokens: 22,
      prompt_tokens_details: { cached_tokens: 10 },
      completion_tokens_details: { reasoning_tokens: 3 },
    })
  })

  it('leaves redacted reasoning out of the message and the stream', () => {
    const plan = planPromptReply(prompt, { text: 'ok', reasoning: { redacted: 'AQID' } })
    const body = chatCompletion(plan, meta) as { choices: [{ message: Record<string, unknown> }] }
    expect(body.choices[0].message).toEqual({ role: 'assistant', content: 'ok', refusal: null })
    const chunks = [...chatCompletionChunks(plan, meta, { chunkSize: 16, includeUsage: false })]
    expect(JSON.stringify(chunks)).not.toContain('reasoning')
  })

  it('marks only generated pieces as deltas and numbers tool calls by index', () => {
    const plan = planPromptReply(
      prompt,
      {
        toolCalls: [
          { name: 'a', input: {} },
          { name: 'b', input: { k: 1 } },
        ],
      },
      { toolCallIdPrefix: 'call_' },
    )
    const chunks = [...chatCompletionChunks(plan, meta, { chunkSize: 4, includeUsage: true })]
    type Call = { index: number; id?: string; function: { arguments: string } }
    const calls = chunks.flatMap((c) => {
      const [choice] = c.body['choices'] as { delta: { tool_calls?: Call[] } }[]
      return (choice?.delta.tool_calls ?? []).map((call) => ({ call, delta: c.delta }))
    })
    expect(calls.filter(({ call }) => call.id !== undefined).map(({ call }) => call.index)).toEqual(
      [0, 1],
    )
    expect(calls.every(({ call, delta }) => delta === (call.id === undefined))).toBe(true)
    const args = calls
      .filter(({ call }) => call.index === 1)
      .map(({ call }) => call.function.arguments)
    expect(args.join('')).toBe('{"k":1}')
    expect(chunks.at(-1)?.body).toMatchObject({ choices: [], usage: { completion_tokens: 2 } })
  })
})
