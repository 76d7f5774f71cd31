import { describe, expect, it } from 'vitest'
import { parseResponsesRequest, type ResponseStreamEvent } from '../../openai/responses.ts'
import { decodeSseData } from '../../streaming/sse-decoder.ts'
import { feedingsOf, sourceOf } from '../../../test-support/byte-feedings.ts'
import {
  fromMantleResponse,
  fromMantleResponseEvents,
  mantleResponseEvents,
  toMantleResponsesRequest,
} from './pass-through.ts'

const response = (status: string) => ({
  id: 'resp_up',
  object: 'response',
  status,
  model: 'openai.gpt-oss-120b',
  output: [],
})
const sse = (...events: unknown[]): string =>
  events
    .map((event) => {
      const type = (event as { type?: string }).type
      return `${type === undefined ? '' : `event: ${type}\n`}data: ${JSON.stringify(event)}\n\n`
    })
    .join('')
const recorded = sse(
  { type: 'response.created', sequence_number: 0, response: response('in_progress') },
  { type: 'response.output_text.delta', sequence_number: 1, delta: 'Hé 🌍' },
  { type: 'response.completed', sequence_number: 2, response: response('completed') },
)

type Run = { events: ResponseStreamEvent[]; error: unknown }

async function pulled(items: AsyncIterable<ResponseStreamEvent>): Promise<Run> {
  const events: ResponseStreamEvent[] = []
  try {
    for await (const event of items) events.push(event)
  } catch (error) {
    return { events, error }
  }
  return { events, error: undefined }
}

// The gateway's three ways of reading the same bytes: the generator over SSE data, the per-read
// item stream by pull, and the same by push (what a committed stream does).
const readers: Record<string, (pieces: Uint8Array[]) => Promise<Run>> = {
  'as a generator': (pieces) =>
    pulled(fromMantleResponseEvents(decodeSseData(sourceOf(pieces)), 'alias')),
  'by pull': (pieces) => pulled(mantleResponseEvents(sourceOf(pieces), 'alias')),
  'by push': (pieces) =>
    new Promise((resolve) => {
      const events: ResponseStreamEvent[] = []
      mantleResponseEvents(sourceOf(pieces), 'alias').pushTo({
        push(items) {
          events.push(...items)
          return true
        },
        end: () => resolve({ events, error: undefined }),
        fail: (error) => resolve({ events, error }),
      })
    }),
}

const bytesOf = (text: string) => [new TextEncoder().encode(text)]

describe.each(Object.keys(readers))('Responses pass-through to Mantle, read %s', (how) => {
  const run = readers[how] ?? (() => Promise.reject(new Error(how)))
  it('sends the request with the Bedrock model id', () => {
    const request = parseResponsesRequest({ model: 'gpt-oss', input: 'Hi', store: true })
    expect(toMantleResponsesRequest(request, 'openai.gpt-oss-120b')).toEqual({
      model: 'openai.gpt-oss-120b',
      input: 'Hi',
      store: true,
    })
  })

  it('passes structured-output settings (text) up as sent', () => {
    const text = {
      format: { type: 'json_schema', name: 'forecast', schema: { type: 'object' }, strict: true },
      verbosity: 'low',
    }
    const request = parseResponsesRequest({ model: 'gpt-oss', input: 'Hi', text })
    expect(toMantleResponsesRequest(request, 'openai.gpt-oss-120b')).toEqual({
      model: 'openai.gpt-oss-120b',
      input: 'Hi',
      text,
    })
  })

  it('relays the Response with the alias as model, and refuses a malformed one', () => {
    expect(fromMantleResponse(response('completed'), 'alias')).toMatchObject({
      id: 'resp_up',
      model: 'alias',
    })
    expect(() => fromMantleResponse({ id: 'x' }, 'alias')).toThrow(
      expect.objectContaining({ status: 502, code: 'upstream_invalid_response' }),
    )
  })

  for (const feeding of feedingsOf(new TextEncoder().encode(recorded))) {
    it(`relays every event with the alias, fed ${feeding.name}`, async () => {
      const { events, error } = await run(feeding.pieces)
      expect(error).toBeUndefined()
      expect(events.map((event) => event.type)).toEqual([
        'response.created',
        'response.output_text.delta',
        'response.completed',
      ])
      expect(events[1]?.delta).toBe('Hé 🌍')
      expect(events[2]?.response).toMatchObject({ model: 'alias', status: 'completed' })
    })
  }

  it.each([
    ['an error event', sse({ type: 'error', sequence_number: 1, code: 'x', message: 'Boom.' })],
    ['an error payload', sse({ error: { message: 'Boom.', type: 'server_error', code: 'x' } })],
  ])('throws %s as a GatewayError', async (_, text) => {
    const { error } = await run(bytesOf(text))
    expect(error).toMatchObject({ status: 502, message: 'Boom.', code: 'x' })
  })

  it('fails a stream without a final event, or with an unreadable one', async () => {
    const cut = await run(bytesOf(recorded.split('\n\n').slice(0, 2).join('\n\n') + '\n\n'))
    expect(cut.events).toHaveLength(2)
    expect(cut.error).toMatchObject({ status: 502, code: 'upstream_stream_incomplete' })
    const done = await run(
      bytesOf(
        sse({ type: 'response.created', sequence_number: 0, response: response('x') }) +
          'data: [DONE]\n\n',
      ),
    )
    expect(done.events).toHaveLength(1)
    expect(done.error).toMatchObject({ status: 502, code: 'upstream_stream_incomplete' })
    expect((await run(bytesOf('data: {nope\n\n'))).error).toMatchObject({
      code: 'upstream_invalid_response',
    })
  })
})
