// Journeys of an application team using the official `openai` client's Responses API against
// strata-gateway: `claude` is served through Converse, `gpt-oss` passed through to Mantle.
import type OpenAI from 'openai'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { JOURNEY_PROJECT_ID, startJourney, type Journey } from '../support/journey.ts'

let journey: Journey

beforeAll(async () => {
  journey = await startJourney('responses')
})

afterAll(async () => {
  await journey.stop()
})

beforeEach(async () => {
  await journey.bedrock.reset()
})

const weatherTool: OpenAI.Responses.FunctionTool = {
  type: 'function',
  name: 'get_weather',
  description: 'The weather in a city.',
  parameters: {
    type: 'object',
    properties: { city: { type: 'string' } },
    required: ['city'],
    additionalProperties: false,
  },
  strict: true,
}

describe.each(['claude', 'gpt-oss'])('the Responses API on %s', (model) => {
  it('answers with output_text and usage', async () => {
    await journey.bedrock.script({
      scenario: {
        reply: { text: 'Hello from Bedrock.', usage: { inputTokens: 9, outputTokens: 4 } },
      },
    })
    const response = await journey.openai.responses.create({
      model,
      instructions: 'Be brief.',
      input: 'Say hello.',
    })
    expect(response.model).toBe(model)
    expect(response.status).toBe('completed')
    expect(response.output_text).toBe('Hello from Bedrock.')
    expect(response.usage).toMatchObject({ input_tokens: 9, output_tokens: 4, total_tokens: 13 })
  })

  it('streams the event sequence the SDK assembles', async () => {
    await journey.bedrock.script({
      scenario: {
        reply: { text: 'Streaming works fine.', usage: { inputTokens: 5, outputTokens: 3 } },
      },
    })
    const stream = await journey.openai.responses.create({
      model,
      input: 'Stream please.',
      stream: true,
    })
    const events: OpenAI.Responses.ResponseStreamEvent[] = []
    for await (const event of stream) events.push(event)
    expect(events[0]?.type).toBe('response.created')
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, i) => i))
    const text = events.flatMap((event) =>
      event.type === 'response.output_text.delta' ? [event.delta] : [],
    )
    expect(text.join('')).toBe('Streaming works fine.')
    const last = events.at(-1)
    expect(last?.type).toBe('response.completed')
    if (last?.type === 'response.completed') {
      // The SDK adds `output_text` to created Responses only, not to streamed ones.
      expect(last.response.output).toMatchObject([
        { type: 'message', content: [{ type: 'output_text', text: 'Streaming works fine.' }] },
      ])
      expect(last.response.usage).toMatchObject({ input_tokens: 5, output_tokens: 3 })
    }
  })

  it('completes a function-call round trip', async () => {
    await journey.bedrock.script({
      scenario: {
        reply: {
          toolCalls: [{ id: 'call_journey', name: 'get_weather', input: { city: 'Oslo' } }],
          stopReason: 'tool_use',
        },
      },
    })
    const input: OpenAI.Responses.ResponseInput = [{ role: 'user', content: 'Weather in Oslo?' }]
    const first = await journey.openai.responses.create({ model, input, tools: [weatherTool] })
    const call = first.output.find((item) => item.type === 'function_call')
    expect(call).toMatchObject({ call_id: 'call_journey', name: 'get_weather' })
    if (call?.type !== 'function_call') throw new Error('no function call')
    expect(JSON.parse(call.arguments)).toEqual({ city: 'Oslo' })

    await journey.bedrock.script({ scenario: { reply: { text: 'It is sunny in Oslo.' } } })
    const second = await journey.openai.responses.create({
      model,
      tools: [weatherTool],
      input: [
        ...input,
        ...first.output,
        { type: 'function_call_output', call_id: call.call_id, output: '{"sky":"sunny"}' },
      ],
    })
    expect(second.output_text).toBe('It is sunny in Oslo.')
    const requests = await journey.bedrock.requests()
    const last = requests.at(-1)
    if (model === 'claude') {
      expect(last?.operation).toMatch(/^converse/)
      expect(JSON.stringify(last?.body)).toContain('"toolUseId":"call_journey"')
    } else {
      expect(last).toMatchObject({ operation: 'mantle-responses', project: JOURNEY_PROJECT_ID })
    }
  })
})

describe('Converse limits of the Responses API', () => {
  it('refuses previous_response_id with a 400 that says why', async () => {
    const failure: unknown = await journey.openai.responses
      .create({ model: 'claude', input: 'Continue.', previous_response_id: 'resp_earlier' })
      .catch((error: unknown) => error)
    expect(failure).toMatchObject({ status: 400, param: 'previous_response_id' })
    expect((failure as Error).message).toContain('stores no responses')
  })
})
