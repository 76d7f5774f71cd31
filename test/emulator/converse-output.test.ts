import { describe, expect, it } from 'vitest'
import { chunk, converseResponse, converseStreamEvents } from './converse-output.ts'
import { planReply, type ReplyPlan } from './converse-reply.ts'
import { converseRequestSchema } from './converse-validation.ts'

const request = converseRequestSchema.parse({
  system: [{ text: 'Be brief.' }],
  messages: [
    { role: 'user', content: [{ text: 'first question' }] },
    { role: 'assistant', content: [{ text: 'answer' }] },
    {
      role: 'user',
      content: [{ text: 'what is   the time' }, { cachePoint: { type: 'default' } }],
    },
  ],
})

function eventTypes(plan: ReplyPlan): string[] {
  return [...converseStreamEvents(plan, { chunkSize: 4, elapsedMs: () => 7 })].map((e) =>
    e.type === 'contentBlockDelta' ? 'delta' : e.type,
  )
}

describe('planReply', () => {
  it('echoes the last user text and counts words deterministically', () => {
    expect(planReply(request)).toEqual({
      text: 'Echo: what is   the time',
      toolCalls: [],
      stopReason: 'end_turn',
      usage: { inputTokens: 9, outputTokens: 5, totalTokens: 14 },
    })
  })

  it('replies with tool calls only, numbering missing ids', () => {
    const plan = planReply(request, { toolCalls: [{ name: 'clock', input: { tz: 'UTC' } }] })
    expect(plan.text).toBeUndefined()
    expect(plan.toolCalls).toEqual([
      { id: 'tooluse_emulator_1', name: 'clock', input: { tz: 'UTC' } },
    ])
    expect(plan.stopReason).toBe('tool_use')
  })

  it('counts cache tokens into totalTokens and honours explicit values', () => {
    const usage = (given: object) => planReply(request, { text: 'x', usage: given }).usage
    expect(usage({ cacheWriteInputTokens: 100 })).toEqual({
      inputTokens: 9,
      outputTokens: 1,
      totalTokens: 110,
      cacheWriteInputTokens: 100,
    })
    expect(usage({ totalTokens: 3 }).totalTokens).toBe(3)
  })
})

describe('converseStreamEvents', () => {
  it.each([
    {
      name: 'text only',
      plan: planReply(request, { text: 'abcdefgh' }),
      types: ['messageStart', 'delta', 'delta', 'contentBlockStop', 'messageStop', 'metadata'],
    },
    {
      name: 'signed reasoning then text',
      plan: planReply(request, { reasoning: { text: 'hmm', signature: 's' }, text: 'ok' }),
      types: [
        'messageStart',
        'delta',
        'delta',
        'contentBlockStop',
        'delta',
        'contentBlockStop',
        'messageStop',
        'metadata',
      ],
    },
    {
      name: 'redacted reasoning then a tool call',
      plan: planReply(request, {
        reasoning: { redacted: 'AQID' },
        toolCalls: [{ name: 'f', input: { a: 1 } }],
      }),
      types: [
        'messageStart',
        'delta',
        'contentBlockStop',
        'contentBlockStart',
        'delta',
        'delta',
        'delta',
        'contentBlockStop',
        'messageStop',
        'metadata',
      ],
    },
  ])('orders events for $name like Bedrock', ({ plan, types }) => {
    expect(eventTypes(plan)).toEqual(types)
  })

  it('numbers blocks, pads every event and reads latency at the end', () => {
    const plan = planReply(request, { text: 'hi', toolCalls: [{ id: 'a', name: 'f', input: {} }] })
    const events = [...converseStreamEvents(plan, { chunkSize: 4, elapsedMs: () => 42 })]
    expect(events.every((e) => typeof e.body['p'] === 'string' && e.body['p'] !== '')).toBe(true)
    const indexes = events.flatMap((e) =>
      typeof e.body['contentBlockIndex'] === 'number'
        ? [`${e.type}:${e.body['contentBlockIndex']}`]
        : [],
    )
    expect(indexes).toEqual([
      'contentBlockDelta:0',
      'contentBlockStop:0',
      'contentBlockStart:1',
      'contentBlockDelta:1',
      'contentBlockDelta:1',
      'contentBlockStop:1',
    ])
    expect(events.at(-1)?.body).toMatchObject({ metrics: { latencyMs: 42 } })
  })
})

describe('converseResponse', () => {
  it('renders redacted reasoning as redactedContent', () => {
    const plan = planReply(request, { reasoning: { redacted: 'AQID' }, text: 'ok' })
    expect(converseResponse(plan, 5)).toEqual({
      output: {
        message: {
          role: 'assistant',
          content: [{ reasoningContent: { redactedContent: 'AQID' } }, { text: 'ok' }],
        },
      },
      stopReason: 'end_turn',
      usage: { inputTokens: 9, outputTokens: 1, totalTokens: 10 },
      metrics: { latencyMs: 5 },
    })
  })

  it.each([
    { text: '', size: 3, pieces: [] },
    { text: 'abcdefg', size: 3, pieces: ['abc', 'def', 'g'] },
  ])('chunks "$text" by $size', ({ text, size, pieces }) => {
    expect(chunk(text, size)).toEqual(pieces)
  })
})
