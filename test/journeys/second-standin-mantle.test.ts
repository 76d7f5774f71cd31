// Mantle routes of the real gateway against the plain Mantle stand-in (test/support/plain-mantle.ts),
// read with the official `openai` client: chat completions as JSON and streamed (with and without
// `stream_options.include_usage`), Responses as JSON and streamed, embeddings, and Mantle's
// errors as the client sees them. The stand-in checks every request against OpenAI's reference
// and the SigV4 signature for `bedrock-mantle`; usePlainWorld asserts it refused nothing.
import OpenAI from 'openai'
import { beforeAll, describe, expect, it } from 'vitest'
import type { PlainMantle } from '../support/plain-mantle.ts'
import {
  chatAnswer,
  embeddingsAnswer,
  mantleErrorReply,
  responsesAnswer,
} from '../support/plain-mantle-replies.ts'
import { GPT5, GPT_OSS, MANTLE_EMBED, usePlainWorld } from '../support/plain-world.ts'

const world = usePlainWorld('second-standin-mantle')
let mantle: PlainMantle
let openai: OpenAI
beforeAll(() => {
  ;({ mantle, openai } = world())
})

const hello = [{ role: 'user' as const, content: 'Hello there' }]
const answer = {
  pieces: ['Bonjour, ', 'ça ', 'va ? ', '🙂'],
  finishReason: 'stop' as const,
  usage: { prompt: 11, completion: 6, cached: 3 },
}

/** Reads a stream to its end (or its error). */
async function drain(items: AsyncIterable<unknown>): Promise<number> {
  let count = 0
  for await (const item of items) if (item !== undefined) count += 1
  return count
}

function onlyMantleRequest() {
  expect(mantle.requests).toHaveLength(1)
  const [request] = mantle.requests
  if (request === undefined) throw new Error('the Mantle stand-in saw no request')
  return request
}

describe('chat completions on a Mantle route', () => {
  it('answers JSON, signed for bedrock-mantle and billed to the project', async () => {
    mantle.reply(chatAnswer(answer))
    const completion = await openai.chat.completions.create({ model: 'gpt', messages: hello })
    expect(completion.model).toBe('gpt')
    expect(completion.choices[0]?.message.content).toBe('Bonjour, ça va ? 🙂')
    expect(completion.choices[0]?.finish_reason).toBe('stop')
    expect(completion.usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 6 })
    const request = onlyMantleRequest()
    expect(request).toMatchObject({ prefix: '/v1', model: GPT_OSS, project: 'proj_plain' })
    expect(String(request.headers['authorization'])).toMatch(
      /^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/us-east-1\/bedrock-mantle\/aws4_request/,
    )
  })

  it('sends a GPT-5 model to the /openai/v1 prefix', async () => {
    mantle.reply(chatAnswer(answer))
    await openai.chat.completions.create({ model: 'gpt5', messages: hello })
    expect(onlyMantleRequest()).toMatchObject({ prefix: '/openai/v1', model: GPT5 })
  })

  it('relays a tool call and the tool result that answers it', async () => {
    mantle.reply(
      chatAnswer({
        pieces: [],
        finishReason: 'tool_calls',
        usage: { prompt: 20, completion: 9 },
        toolCall: { id: 'call_1', name: 'weather', arguments: '{"city":"Lyon"}' },
      }),
      chatAnswer(answer),
    )
    const tools = [
      {
        type: 'function' as const,
        function: { name: 'weather', parameters: { type: 'object', properties: {} } },
      },
    ]
    const first = await openai.chat.completions.create({ model: 'gpt', messages: hello, tools })
    const message = first.choices[0]?.message
    expect(message?.tool_calls?.[0]).toMatchObject({ id: 'call_1', type: 'function' })
    if (message === undefined) throw new Error('no message')
    await openai.chat.completions.create({
      model: 'gpt',
      tools,
      messages: [...hello, message, { role: 'tool', tool_call_id: 'call_1', content: 'sunny' }],
    })
    expect(mantle.requests).toHaveLength(2)
  })

  it('streams chunks cut anywhere, without usage when the client did not ask', async () => {
    mantle.reply(chatAnswer(answer))
    const stream = await openai.chat.completions.create({
      model: 'gpt',
      messages: hello,
      stream: true,
    })
    const chunks = []
    for await (const chunk of stream) chunks.push(chunk)
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(
      'Bonjour, ça va ? 🙂',
    )
    expect(chunks.every((chunk) => chunk.model === 'gpt')).toBe(true)
    expect(chunks.some((chunk) => chunk.choices[0]?.finish_reason === 'stop')).toBe(true)
    expect(chunks.filter((chunk) => chunk.usage != null)).toEqual([])
    // The gateway asks Mantle for usage all the same, to count the tokens it meters.
    expect(onlyMantleRequest().body['stream_options']).toEqual({ include_usage: true })
  })

  it('streams the usage chunk last when the client asked with include_usage', async () => {
    mantle.reply(chatAnswer(answer))
    const stream = await openai.chat.completions.create({
      model: 'gpt',
      messages: hello,
      stream: true,
      stream_options: { include_usage: true },
    })
    const chunks = []
    for await (const chunk of stream) chunks.push(chunk)
    const last = chunks.at(-1)
    expect(last?.choices).toEqual([])
    expect(last?.usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 6, total_tokens: 17 })
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage == null)).toBe(true)
  })
})

describe('Responses and embeddings on Mantle routes', () => {
  it('answers a Response as JSON with the alias as model', async () => {
    mantle.reply(responsesAnswer({ pieces: ['Hi ', 'there'], usage: { input: 4, output: 2 } }))
    const response = await openai.responses.create({ model: 'gpt5', input: 'Hello' })
    expect(response.model).toBe('gpt5')
    expect(response.output_text).toBe('Hi there')
    expect(response.usage?.total_tokens).toBe(6)
    expect(onlyMantleRequest()).toMatchObject({ operation: 'responses', prefix: '/openai/v1' })
  })

  it('streams Response events in order to response.completed', async () => {
    mantle.reply(responsesAnswer({ pieces: ['Hi ', 'thé', 're'], usage: { input: 4, output: 3 } }))
    const stream = await openai.responses.create({ model: 'gpt', input: 'Hello', stream: true })
    const events = []
    for await (const event of stream) events.push(event)
    expect(events[0]?.type).toBe('response.created')
    const deltas = events.flatMap((event) =>
      event.type === 'response.output_text.delta' ? [event.delta] : [],
    )
    expect(deltas.join('')).toBe('Hi thére')
    const last = events.at(-1)
    expect(last?.type).toBe('response.completed')
    if (last?.type === 'response.completed') expect(last.response.model).toBe('gpt')
  })

  it('answers embeddings in base64 (the client default) and in floats', async () => {
    const vector = [0.125, -0.5, 0.75, 1]
    mantle.reply(embeddingsAnswer([vector], 3), embeddingsAnswer([vector, vector], 6))
    const base64 = await openai.embeddings.create({ model: 'embed-mantle', input: 'Hello' })
    expect(base64.model).toBe('embed-mantle')
    expect(base64.data[0]?.embedding).toEqual(vector)
    const floats = await openai.embeddings.create({
      model: 'embed-mantle',
      input: ['a', 'b'],
      encoding_format: 'float',
    })
    expect(floats.data.map((item) => item.embedding)).toEqual([vector, vector])
    expect(floats.usage.prompt_tokens).toBe(6)
    expect(mantle.requests.map((request) => request.model)).toEqual([MANTLE_EMBED, MANTLE_EMBED])
  })
})

describe('Mantle errors as the openai client sees them', () => {
  async function failure(stream = false) {
    const error: unknown = await openai.chat.completions
      .create({ model: 'gpt', messages: hello, stream })
      .then(async (result) => {
        if (stream) await drain(result as AsyncIterable<unknown>)
        return undefined
      })
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(OpenAI.APIError)
    return error as InstanceType<typeof OpenAI.APIError>
  }

  it('passes a 400 on with its message and param', async () => {
    mantle.reply(
      mantleErrorReply(400, 'invalid_request_error', "Invalid 'max_tokens': too large.", {
        param: 'max_tokens',
        code: 'invalid_value',
      }),
    )
    const error = await failure()
    expect([error.status, error.type, error.param]).toEqual([
      400,
      'invalid_request_error',
      'max_tokens',
    ])
    expect(error.message).toContain("Invalid 'max_tokens'")
  })

  it("makes Mantle's 401 the gateway's own credential failure, never the client's 401", async () => {
    mantle.reply(
      mantleErrorReply(401, 'invalid_request_error', 'Invalid API key', {
        code: 'invalid_api_key',
      }),
    )
    const error = await failure()
    expect([error.status, error.type, error.code]).toEqual([
      502,
      'api_error',
      'upstream_authentication_failed',
    ])
  })

  it('keeps a 403 a 403 permission_error, not a server failure', async () => {
    mantle.reply(mantleErrorReply(403, 'permission_error', 'Model access is denied.'))
    const error = await failure()
    expect([error.status, error.type]).toEqual([403, 'permission_error'])
  })

  it('passes a 429 on with its Retry-After, streaming or not', async () => {
    const reply = mantleErrorReply(429, 'rate_limit_error', 'Too many tokens per minute.', {
      code: 'rate_limit_exceeded',
      headers: { 'retry-after': '7' },
    })
    mantle.reply(reply, reply)
    for (const stream of [false, true]) {
      const error = await failure(stream)
      expect([error.status, error.type, error.code]).toEqual([
        429,
        'rate_limit_error',
        'rate_limit_exceeded',
      ])
      expect(error.headers?.get('retry-after')).toBe('7')
    }
  })

  it('answers a Mantle 5xx with a 5xx in OpenAI shape', async () => {
    mantle.reply(
      mantleErrorReply(503, 'server_error', 'The engine is overloaded.'),
      mantleErrorReply(500, 'server_error', 'Internal error.'),
    )
    for (const status of [503, 500]) {
      const error = await failure()
      expect(error.status, `Mantle ${String(status)}`).toBe(status)
      expect(error.type).toBe('server_error')
      expect(error.message).toContain(status === 503 ? 'overloaded' : 'Internal error')
    }
  })

  it('ends a stream that failed after its first chunks with the error, not a clean end', async () => {
    mantle.reply(
      chatAnswer({
        ...answer,
        failure: { message: 'The model stopped.', type: 'server_error', code: 'model_error' },
      }),
    )
    const error = await failure(true)
    expect(error.message).toContain('The model stopped.')
  })

  it('ends a Responses stream that failed with the error event, not a clean end', async () => {
    mantle.reply(
      responsesAnswer({
        pieces: ['Hi'],
        usage: { input: 1, output: 1 },
        failure: { message: 'The Responses model stopped.', code: 'server_error' },
      }),
    )
    const error: unknown = await openai.responses
      .create({ model: 'gpt', input: 'Hello', stream: true })
      .then(async (stream) => {
        await drain(stream)
      })
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(OpenAI.APIError)
    expect((error as Error).message).toContain('The Responses model stopped.')
  })

  it('tells a routing-table model Mantle does not have as its 404', async () => {
    const error: unknown = await openai.chat.completions
      .create({ model: 'gpt-missing', messages: hello })
      .catch((caught: unknown) => caught)
    expect(error).toMatchObject({ status: 404, code: 'model_not_found' })
    // The stand-in refused it, as it should: the route names a model it does not serve.
    expect(mantle.refusals.map((refusal) => refusal.status)).toEqual([404])
    mantle.refusals.length = 0
  })
})
