import { describe, expect, it } from 'vitest'
import { planPromptReply } from './converse-reply.ts'
import { failureEvents, responsesEvents } from './responses-events.ts'
import { finishedResponse, type ResponseMeta } from './responses-object.ts'

const meta: ResponseMeta = {
  ids: { response: 'resp_1', reasoning: 'rs_1', message: 'msg_1', functionCalls: ['fc_1'] },
  createdAt: 1700000000,
  model: 'openai.gpt-oss-120b',
  request: { model: 'openai.gpt-oss-120b', input: 'hi' },
}
const prompt = { lastUserText: 'hi', inputTokens: 1 }
const options = { chunkSize: 16, now: () => 1700000001 }

describe('responses events', () => {
  it('carries redacted reasoning as encrypted_content without text events', () => {
    const plan = planPromptReply(prompt, { reasoning: { redacted: 'AQID' }, text: 'ok' })
    const events = [...responsesEvents(plan, meta, options)]
    expect(events.map((e) => e.type).slice(2, 4)).toEqual([
      'response.output_item.added',
      'response.output_item.done',
    ])
    expect(events[2]?.body['item']).toEqual({
      id: 'rs_1',
      type: 'reasoning',
      summary: [],
      encrypted_content: 'AQID',
    })
    expect(events.some((e) => e.type.startsWith('response.reasoning_text'))).toBe(false)
  })

  it('ends a filtered reply as incomplete with reason content_filter', () => {
    const plan = planPromptReply(prompt, { text: 'no', stopReason: 'content_filtered' })
    const last = [...responsesEvents(plan, meta, options)].at(-1)
    expect(last?.type).toBe('response.incomplete')
    expect(last?.body['response']).toMatchObject({
      status: 'incomplete',
      incomplete_details: { reason: 'content_filter' },
      completed_at: 1700000001,
    })
  })

  it('builds the same final response for JSON answers as the stream ends with', () => {
    const plan = planPromptReply(prompt, { text: 'same' })
    const streamed = [...responsesEvents(plan, meta, options)].at(-1)?.body['response']
    expect(finishedResponse(plan, meta, 1700000001)).toEqual(streamed)
  })

  it('numbers failure events after the events already sent', () => {
    const [error, failed] = failureEvents(meta, 7, { code: 'c', message: 'm' })
    expect(error?.body).toEqual({
      type: 'error',
      sequence_number: 7,
      code: 'c',
      message: 'm',
      param: null,
    })
    expect(failed?.body).toMatchObject({
      type: 'response.failed',
      sequence_number: 8,
      response: { status: 'failed', error: { code: 'c', message: 'm' }, output: [] },
    })
  })
})
