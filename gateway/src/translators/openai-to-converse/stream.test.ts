import { describe, expect, it } from 'vitest'
import { GatewayError } from '../../errors/gateway-error.ts'
import type { ChatCompletionChunk } from '../../openai/chat-completions.ts'
import { translateConverseStream } from '../../backends/translate-converse-stream.ts'
import type { ConverseStreamEvent } from '../../streaming/converse-stream-events.ts'
import { feedingsOf, sourceOf } from '../../../test-support/byte-feedings.ts'
import {
  eventStreamOf,
  fixtureNames,
  readFixture,
} from '../../../test-support/converse-stream-fixtures/event-fixtures.ts'
import type { ChatResponseContext } from './response.ts'
import { chatChunkTranslator } from './stream.ts'

const context: ChatResponseContext = {
  id: 'chatcmpl-fixture',
  created: 1767225600,
  model: 'gpt-4o',
  singleToolCall: false,
}

interface Outcome {
  chunks: ChatCompletionChunk[]
  error: ({ status: number } & ReturnType<GatewayError['toBody']>) | null
}

async function outcomeOf(chunks: AsyncIterable<ChatCompletionChunk>): Promise<Outcome> {
  const collected: ChatCompletionChunk[] = []
  try {
    for await (const chunk of chunks) collected.push(chunk)
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error
    return { chunks: collected, error: { status: error.status, ...error.toBody() } }
  }
  return { chunks: collected, error: null }
}

// The backend's own path from bytes (translate-converse-stream.ts), fed in every way the network
// could split the bytes.
const fromBytes = (pieces: Uint8Array[], options: ChatResponseContext = context) =>
  translateConverseStream(sourceOf(pieces), chatChunkTranslator(options))

describe.each(fixtureNames())('the %s stream', (name) => {
  const bytes = readFixture(name, '.eventstream')
  const expected = JSON.parse(readFixture(name, '.expected.json').toString('utf8')) as Outcome

  it('is the binary framing of its JSONL source', () => {
    expect(bytes.equals(eventStreamOf(readFixture(name, '.events.jsonl').toString('utf8')))).toBe(
      true,
    )
  })

  it.each(feedingsOf(bytes))('translates the same when fed $name', async ({ pieces }) => {
    expect(await outcomeOf(fromBytes(pieces))).toEqual(expected)
  })
})

// The translator fed these events one by one, as translate-converse-stream.ts feeds it; a failure
// comes after the chunks already made.
async function* eventsOf(...events: ConverseStreamEvent[]): AsyncGenerator<ConverseStreamEvent> {
  for (const event of events) {
    await Promise.resolve()
    yield event
  }
}

async function* translateEvents(
  events: AsyncIterable<ConverseStreamEvent>,
  options: ChatResponseContext,
): AsyncGenerator<ChatCompletionChunk> {
  const translator = chatChunkTranslator(options)
  for await (const event of events) yield* translator.push(event)
  translator.end()
}

const usage = { inputTokens: 3, outputTokens: 4 }

describe('stream translation rules', () => {
  it('keeps only the first tool call when parallel_tool_calls is false', async () => {
    const bytes = readFixture('parallel-tool-calls', '.eventstream')
    const { chunks } = await outcomeOf(fromBytes([bytes], { ...context, singleToolCall: true }))
    const calls = chunks.flatMap((chunk) =>
      chunk.choices.flatMap((choice) => choice.delta.tool_calls ?? []),
    )
    expect(calls.map((call) => call.index)).toEqual([0, 0, 0])
    expect(calls[0]).toMatchObject({
      id: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q',
      function: { name: 'get_weather' },
    })
  })

  it('sends the role chunk even when messageStart is missing', async () => {
    const { chunks } = await outcomeOf(
      translateEvents(
        eventsOf(
          { type: 'contentBlockDelta', contentBlockIndex: 0, delta: { text: 'hi' } },
          { type: 'messageStop', stopReason: 'end_turn' },
          { type: 'metadata', usage },
        ),
        context,
      ),
    )
    expect(chunks.map((chunk) => chunk.choices[0]?.delta)).toEqual([
      { role: 'assistant', content: '' },
      { content: 'hi' },
      {},
      undefined,
    ])
  })

  it('numbers tool calls by their order, not by contentBlockIndex', async () => {
    const { chunks } = await outcomeOf(
      translateEvents(
        eventsOf(
          { type: 'messageStart', role: 'assistant' },
          {
            type: 'contentBlockStart',
            contentBlockIndex: 3,
            start: { toolUse: { toolUseId: 'a', name: 'x' } },
          },
          {
            type: 'contentBlockStart',
            contentBlockIndex: 5,
            start: { toolUse: { toolUseId: 'b', name: 'y' } },
          },
          {
            type: 'contentBlockDelta',
            contentBlockIndex: 5,
            delta: { toolUse: { input: '{"k":1}' } },
          },
          { type: 'contentBlockDelta', contentBlockIndex: 3, delta: { toolUse: { input: '{}' } } },
          { type: 'messageStop', stopReason: 'tool_use' },
          { type: 'metadata', usage },
        ),
        context,
      ),
    )
    const calls = chunks.flatMap((chunk) =>
      chunk.choices.flatMap((choice) => choice.delta.tool_calls ?? []),
    )
    expect(calls).toEqual([
      { index: 0, id: 'a', type: 'function', function: { name: 'x', arguments: '' } },
      { index: 1, id: 'b', type: 'function', function: { name: 'y', arguments: '' } },
      { index: 1, function: { arguments: '{"k":1}' } },
      { index: 0, function: { arguments: '{}' } },
    ])
  })

  it('treats usage before messageStop as an incomplete stream', async () => {
    const outcome = await outcomeOf(
      translateEvents(
        eventsOf({ type: 'messageStart', role: 'assistant' }, { type: 'metadata', usage }),
        context,
      ),
    )
    expect(outcome.error).toMatchObject({
      status: 502,
      error: { code: 'upstream_stream_incomplete' },
    })
  })

  it('reports the service tier on the usage chunk', async () => {
    const { chunks } = await outcomeOf(
      translateEvents(
        eventsOf(
          { type: 'messageStop', stopReason: 'max_tokens' },
          { type: 'metadata', usage, serviceTier: { type: 'flex' } },
        ),
        context,
      ),
    )
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('length')
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      service_tier: 'flex',
      usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
    })
  })
})
