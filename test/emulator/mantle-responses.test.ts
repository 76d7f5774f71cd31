import OpenAI from 'openai'
import { describe, expect, it } from 'vitest'
import { useEmulator } from './use-emulator.ts'
import { mantleClient } from './mantle-clients.ts'

const gptOss = 'openai.gpt-oss-120b'
const gpt5 = 'openai.gpt-5.4'
const emulator = useEmulator()

async function streamOf(
  params: Omit<OpenAI.Responses.ResponseCreateParamsStreaming, 'stream'>,
  prefix: '/v1' | '/openai/v1' = '/v1',
): Promise<OpenAI.Responses.ResponseStreamEvent[]> {
  const stream = await mantleClient(emulator.url, prefix).responses.create({
    ...params,
    stream: true,
  })
  const events: OpenAI.Responses.ResponseStreamEvent[] = []
  for await (const event of stream) events.push(event)
  return events
}

describe('Mantle responses', () => {
  it('answers a GPT-5 model on /openai/v1 with a completed response', async () => {
    const out = await mantleClient(emulator.url, '/openai/v1').responses.create({
      model: gpt5,
      instructions: 'Be brief.',
      input: 'hello there',
      reasoning: { effort: 'low' },
    })
    expect(out).toMatchObject({
      object: 'response',
      status: 'completed',
      model: gpt5,
      instructions: 'Be brief.',
      reasoning: { effort: 'low' },
      error: null,
      incomplete_details: null,
      usage: {
        input_tokens: 4,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: 3,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: 7,
      },
    })
    expect(out.id).toMatch(/^resp_[0-9a-f]{48}$/)
    expect(out.output_text).toBe('Echo: hello there')
    expect(out.output).toEqual([
      {
        id: expect.stringMatching(/^msg_/) as unknown,
        type: 'message',
        status: 'completed',
        role: 'assistant',
        content: [
          { type: 'output_text', text: 'Echo: hello there', annotations: [], logprobs: [] },
        ],
      },
    ])
  })

  it('streams the documented event sequence with increasing sequence numbers', async () => {
    emulator.script({ scenario: { reply: { text: 'Hello world!' }, chunkSize: 6 } })
    const events = await streamOf({ model: gptOss, input: [{ role: 'user', content: 'hi' }] })
    expect(events.map((event) => event.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ])
    expect(events.map((event) => event.sequence_number)).toEqual([...events.keys()])
    const deltas = events.flatMap((e) => (e.type === 'response.output_text.delta' ? [e.delta] : []))
    expect(deltas).toEqual(['Hello ', 'world!'])
    const [created] = events
    expect(created).toMatchObject({ response: { status: 'in_progress', output: [], usage: null } })
    const completed = events.at(-1)
    expect(completed?.type === 'response.completed' && completed.response.usage?.total_tokens).toBe(
      3,
    )
    const itemIds = new Set(events.flatMap((e) => ('item_id' in e ? [e.item_id] : [])))
    expect(itemIds.size).toBe(1)
  })

  it('streams reasoning text, then the message, then function calls with argument deltas', async () => {
    emulator.script({
      scenario: {
        reply: {
          reasoning: { text: 'Think.', signature: 's' },
          text: 'Calling.',
          toolCalls: [{ id: 'call_7', name: 'get_weather', input: { city: 'Paris' } }],
        },
      },
    })
    const events = await streamOf({ model: gptOss, input: 'weather?' })
    const types = events.map((event) => event.type)
    expect(types.slice(2, 8)).toEqual([
      'response.output_item.added',
      'response.content_part.added',
      'response.reasoning_text.delta',
      'response.reasoning_text.done',
      'response.content_part.done',
      'response.output_item.done',
    ])
    const args = events.flatMap((e) =>
      e.type === 'response.function_call_arguments.delta' ? [e.delta] : [],
    )
    expect(args.length).toBeGreaterThan(1)
    expect(args.join('')).toBe('{"city":"Paris"}')
    const done = events.find((e) => e.type === 'response.function_call_arguments.done')
    expect(done).toMatchObject({
      name: 'get_weather',
      arguments: '{"city":"Paris"}',
      output_index: 2,
    })
    const completed = events.at(-1)
    if (completed?.type !== 'response.completed') throw new Error('no response.completed')
    expect(completed.response.output.map((item) => item.type)).toEqual([
      'reasoning',
      'message',
      'function_call',
    ])
    expect(completed.response.output[0]).toMatchObject({
      content: [{ type: 'reasoning_text', text: 'Think.' }],
    })
    expect(completed.response.output[2]).toMatchObject({
      type: 'function_call',
      status: 'completed',
      call_id: 'call_7',
      name: 'get_weather',
      arguments: '{"city":"Paris"}',
    })
  })

  it('reports a max_tokens stop as an incomplete response', async () => {
    emulator.script({ scenario: { reply: { text: 'cut', stopReason: 'max_tokens' } } })
    const events = await streamOf({ model: gptOss, input: 'go', max_output_tokens: 16 })
    expect(events.at(-1)).toMatchObject({
      type: 'response.incomplete',
      response: {
        status: 'incomplete',
        incomplete_details: { reason: 'max_output_tokens' },
        max_output_tokens: 16,
      },
    })
  })

  it('sends error and response.failed after a mid-stream fault', async () => {
    emulator.script({
      scenario: {
        fault: {
          kind: 'midStreamException',
          afterEvents: 4,
          exception: 'modelStreamErrorException',
        },
      },
    })
    const events = await streamOf({ model: gptOss, input: 'go' })
    expect(events.map((event) => event.type).slice(-3)).toEqual([
      'response.content_part.added',
      'error',
      'response.failed',
    ])
    expect(events.at(-2)).toMatchObject({
      type: 'error',
      code: 'model_stream_error',
      sequence_number: 4,
    })
    expect(events.at(-1)).toMatchObject({
      sequence_number: 5,
      response: { status: 'failed', error: { code: 'model_stream_error' } },
    })
  })

  it('resets the connection after the scripted number of events', async () => {
    emulator.script({ scenario: { fault: { kind: 'reset', afterEvents: 2 } } })
    await expect(streamOf({ model: gptOss, input: 'go' })).rejects.toThrow()
    expect(emulator.requests()[0]?.aborted).toBeUndefined()
  })

  it.each([
    {
      model: gpt5,
      prefix: '/v1' as const,
      message: `model \`${gpt5}\` isn't supported on this route`,
    },
    {
      model: 'anthropic.claude-haiku-4-5',
      prefix: '/v1' as const,
      message: "The model 'anthropic.claude-haiku-4-5' does not support the '/v1/responses' API",
    },
  ])('rejects $model on $prefix with a 400', async ({ model, prefix, message }) => {
    const error = await mantleClient(emulator.url, prefix)
      .responses.create({ model, input: 'hi' })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpenAI.BadRequestError)
    expect(error).toMatchObject({ error: { message, code: 'validation_error' } })
  })

  it('records the operation and model for scenario matching', async () => {
    emulator.script({
      match: { operation: 'mantle-responses', modelId: gptOss },
      scenario: { reply: { text: 'matched' } },
    })
    const out = await mantleClient(emulator.url).responses.create({ model: gptOss, input: 'hi' })
    expect(out.output_text).toBe('matched')
    expect(emulator.requests()).toMatchObject([{ operation: 'mantle-responses', modelId: gptOss }])
  })
})
