// The Responses stream translator fed the recorded ConverseStream fixtures of openai-to-converse,
// whole, byte by byte and in random splits.
import { describe, expect, it } from 'vitest'
import { GatewayError } from '../../errors/gateway-error.ts'
import { parseResponsesRequest, type ResponseStreamEvent } from '../../openai/responses.ts'
import { translateConverseStream } from '../../backends/translate-converse-stream.ts'
import { feedingsOf, sourceOf } from '../../../test-support/byte-feedings.ts'
import {
  fixtureNames,
  readFixture,
} from '../../../test-support/converse-stream-fixtures/event-fixtures.ts'
import type { ResponsesResponseContext } from './response.ts'
import { responseEventTranslator } from './stream.ts'

const context: ResponsesResponseContext = {
  id: 'resp_fixture',
  createdAt: 1767225600,
  model: 'claude',
  request: parseResponsesRequest({ model: 'claude', input: 'Hi' }),
}

interface Outcome {
  events: ResponseStreamEvent[]
  error: { status: number; code: string | undefined } | null
}

async function outcomeOf(
  pieces: Uint8Array[],
  translatorContext: ResponsesResponseContext = context,
): Promise<Outcome> {
  const events: ResponseStreamEvent[] = []
  try {
    // The backend's own path from bytes (backends/translate-converse-stream.ts).
    const source = sourceOf(pieces)
    for await (const event of translateConverseStream(
      source,
      responseEventTranslator(translatorContext),
    ))
      events.push(event)
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error
    return { events, error: { status: error.status, code: error.code } }
  }
  return { events, error: null }
}

const typesOf = (outcome: Outcome) => outcome.events.map((event) => event.type)

describe.each(fixtureNames())('the %s stream', (name) => {
  const bytes = readFixture(name, '.eventstream')

  it('numbers every event in order and translates the same however it is fed', async () => {
    const whole = await outcomeOf([bytes])
    expect(whole.events.map((event) => event.sequence_number)).toEqual(
      whole.events.map((_, index) => index),
    )
    for (const { pieces } of feedingsOf(bytes)) expect(await outcomeOf(pieces)).toEqual(whole)
  })
})

describe('recorded streams', () => {
  it('translates reasoning then text into two items and completes with usage', async () => {
    const outcome = await outcomeOf([readFixture('text-with-reasoning', '.eventstream')])
    expect(outcome.error).toBeNull()
    expect(typesOf(outcome)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.reasoning_text.delta',
      'response.reasoning_text.delta',
      'response.reasoning_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ])
    expect(outcome.events[13]).toMatchObject({
      item_id: 'msg_fixture_1',
      output_index: 1,
      text: 'Hello! How can I help today?',
    })
    expect(outcome.events.at(-1)?.response).toMatchObject({
      status: 'completed',
      output: [
        { id: 'rs_fixture_0', content: [{ text: 'The user says hello. A short greeting fits.' }] },
        { id: 'msg_fixture_1', status: 'completed' },
      ],
      usage: {
        input_tokens: 2318,
        input_tokens_details: { cached_tokens: 2048 },
        output_tokens: 41,
        total_tokens: 2359,
      },
    })
  })

  it('streams reasoning as a summary when reasoning.summary asks for one', async () => {
    const request = parseResponsesRequest({
      model: 'claude',
      input: 'Hi',
      reasoning: { summary: 'auto' },
    })
    const outcome = await outcomeOf([readFixture('text-with-reasoning', '.eventstream')], {
      ...context,
      request,
    })
    const thinking = 'The user says hello. A short greeting fits.'
    expect(typesOf(outcome).slice(2, 9)).toEqual([
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
      'response.output_item.done',
    ])
    const at = { item_id: 'rs_fixture_0', output_index: 0, summary_index: 0 }
    expect(outcome.events[3]).toMatchObject({ ...at, part: { type: 'summary_text', text: '' } })
    expect(outcome.events[4]).toMatchObject(at)
    expect(outcome.events[6]).toMatchObject({ ...at, text: thinking })
    expect(outcome.events[7]).toMatchObject({
      ...at,
      part: { type: 'summary_text', text: thinking },
    })
    const summarised = { summary: [{ type: 'summary_text', text: thinking }], content: [] }
    expect(outcome.events[8]?.item).toMatchObject(summarised)
    expect(outcome.events.at(-1)?.response).toMatchObject({
      reasoning: { summary: 'auto' },
      output: [summarised, { id: 'msg_fixture_1' }],
    })
  })

  it('translates tool uses into function_call items with their arguments', async () => {
    const outcome = await outcomeOf([readFixture('parallel-tool-calls', '.eventstream')])
    expect(outcome.error).toBeNull()
    const deltas = outcome.events.filter(
      (event) => event.type === 'response.function_call_arguments.delta',
    )
    expect(deltas.map((event) => event.delta).join('')).toBe('{"city": "Paris", "unit": "c"}')
    const done = outcome.events.filter(
      (event) => event.type === 'response.function_call_arguments.done',
    )
    expect(done).toMatchObject([
      { item_id: 'fc_fixture_1', name: 'get_weather', arguments: '{"city": "Paris", "unit": "c"}' },
      { item_id: 'fc_fixture_2', name: 'get_time', arguments: '{}' },
    ])
    expect(outcome.events[2]).toMatchObject({
      type: 'response.output_item.added',
      item: { type: 'message', status: 'in_progress', content: [] },
    })
    expect(outcome.events.at(-1)?.response).toMatchObject({
      status: 'completed',
      output: [
        { type: 'message' },
        { type: 'function_call', call_id: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q', status: 'completed' },
        { type: 'function_call', call_id: 'tooluse_Q3mKx9wZT0yX2hW4fE8sNg', arguments: '{}' },
      ],
    })
  })

  it.each([
    ['model-stream-error', 'model_error'],
    ['ended-early', 'upstream_stream_incomplete'],
    ['malformed-tool-use', 'invalid_model_output'],
  ])('fails %s after the events before it', async (name, code) => {
    const outcome = await outcomeOf([readFixture(name, '.eventstream')])
    expect(outcome.events[0]?.type).toBe('response.created')
    expect(outcome.error?.code).toBe(code)
  })

  it('reports a guardrail stop as response.incomplete', async () => {
    const outcome = await outcomeOf([readFixture('guardrail-intervened', '.eventstream')])
    expect(outcome.events.at(-1)).toMatchObject({
      type: 'response.incomplete',
      response: { status: 'incomplete', incomplete_details: { reason: 'content_filter' } },
    })
  })
})
