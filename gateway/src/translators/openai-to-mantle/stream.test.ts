import { describe, expect, it } from 'vitest'
import { GatewayError } from '../../errors/gateway-error.ts'
import type { ChatCompletionChunk } from '../../openai/chat-completions.ts'
import { feedingsOf, sourceOf } from '../../../test-support/byte-feedings.ts'
import { mantleChatChunks } from './stream.ts'

const envelope = (choices: unknown[], usage: unknown = null) => ({
  id: 'chatcmpl-up',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'openai.gpt-oss-120b',
  choices,
  usage,
})
const choice = (delta: Record<string, unknown>, finish: string | null = null) => ({
  index: 0,
  delta,
  logprobs: null,
  finish_reason: finish,
})
const usage = { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 }

const sse = (...events: unknown[]): string =>
  events
    .map((event) => `data: ${typeof event === 'string' ? event : JSON.stringify(event)}\n\n`)
    .join('')

// What Mantle streams for a request with include_usage (as the gateway always sends it).
const recorded = sse(
  envelope([choice({ role: 'assistant', content: '' })]),
  envelope([choice({ reasoning: 'Think.' })]),
  envelope([choice({ content: 'Hé 🌍' })]),
  envelope([
    choice({
      tool_calls: [
        { index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '' } },
      ],
    }),
  ]),
  envelope([choice({ tool_calls: [{ index: 0, function: { arguments: '{"a":1}' } }] })]),
  envelope([choice({}, 'tool_calls')]),
  envelope([], usage),
  '[DONE]',
)

async function run(
  text: string,
  clientWantsUsage = false,
  pieces?: readonly Uint8Array[],
): Promise<{ chunks: ChatCompletionChunk[]; error?: unknown }> {
  const chunks: ChatCompletionChunk[] = []
  const bytes = pieces ?? [new TextEncoder().encode(text)]
  try {
    for await (const chunk of mantleChatChunks(sourceOf(bytes), {
      model: 'my-alias',
      clientWantsUsage,
    }))
      chunks.push(chunk)
  } catch (error) {
    return { chunks, error }
  }
  return { chunks }
}

describe('Mantle stream to chat completion chunks', () => {
  for (const feeding of feedingsOf(new TextEncoder().encode(recorded))) {
    it(`relays every chunk with the alias and ends with usage, fed ${feeding.name}`, async () => {
      const { chunks, error } = await run('', false, feeding.pieces)
      expect(error).toBeUndefined()
      expect(chunks).toHaveLength(7)
      expect(chunks.every((chunk) => chunk.model === 'my-alias')).toBe(true)
      expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('Hé 🌍')
      expect(chunks[1]?.choices[0]?.delta).toEqual({ reasoning: 'Think.' })
      expect(chunks[3]?.choices[0]?.delta.tool_calls?.[0]).toMatchObject({ id: 'call_1' })
      expect(chunks.slice(0, -1).some((chunk) => 'usage' in chunk)).toBe(false)
      expect(chunks.at(-1)).toEqual({ ...envelope([], usage), model: 'my-alias' })
    })
  }

  it('keeps usage: null on content chunks when the client asked for usage', async () => {
    const { chunks } = await run(recorded, true)
    expect(chunks[0]?.usage).toBeNull()
    expect(chunks.at(-1)?.usage).toEqual(usage)
  })

  it('splits usage riding on the finish chunk into its own last chunk', async () => {
    const { chunks, error } = await run(
      sse(envelope([choice({ content: 'x' })]), envelope([choice({}, 'stop')], usage), '[DONE]'),
    )
    expect(error).toBeUndefined()
    expect(chunks).toHaveLength(3)
    expect(chunks[1]).not.toHaveProperty('usage')
    expect(chunks[1]?.choices[0]?.finish_reason).toBe('stop')
    expect(chunks[2]).toMatchObject({ choices: [], usage })
  })

  it('throws the error event as a GatewayError after the chunks before it', async () => {
    const { chunks, error } = await run(
      sse(envelope([choice({ content: 'par' })]), {
        error: {
          message: 'The model failed.',
          type: 'server_error',
          param: null,
          code: 'model_stream_error',
        },
      }),
    )
    expect(chunks).toHaveLength(1)
    expect(error).toBeInstanceOf(GatewayError)
    expect(error).toMatchObject({ status: 502, type: 'api_error', code: 'model_error' })
  })

  it('fails a stream that ends without [DONE]; one without usage is complete all the same', async () => {
    const cut = await run(sse(envelope([choice({ content: 'x' })])))
    expect(cut.chunks).toHaveLength(1)
    expect(cut.error).toMatchObject({ status: 502, code: 'upstream_stream_incomplete' })
    const noUsage = await run(sse(envelope([choice({ content: 'x' })]), '[DONE]'))
    expect(noUsage.error).toBeUndefined()
    expect(noUsage.chunks).toHaveLength(1)
  })

  it('fails on an unreadable or invalid event', async () => {
    expect((await run(sse('{not json'))).error).toMatchObject({
      status: 502,
      code: 'upstream_invalid_response',
    })
    expect((await run(sse({ id: 'x', choices: 'nope' }))).error).toMatchObject({
      status: 502,
      code: 'upstream_invalid_response',
    })
  })
})
