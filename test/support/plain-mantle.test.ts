// The plain Mantle stand-in checked with the official `openai` client, as AWS tells Mantle users to
// call it (base URL `…/v1` or `…/openai/v1`, a Bedrock API key as the API key): if the client
// reads its answers, streams and errors, the stand-in speaks the shapes the journeys rely on.
// SigV4 is checked with @smithy/signature-v4 over fetch, and what the client would never send
// (unknown members, a stray `stream_options`) by hand.
import OpenAI from 'openai'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startPlainMantle, type PlainMantle } from './plain-mantle.ts'
import {
  chatAnswer,
  embeddingsAnswer,
  mantleErrorReply,
  responsesAnswer,
} from './plain-mantle-replies.ts'
import { signedPost } from './plain-sigv4.ts'

const key = {
  accessKeyId: 'AKIAPLAINMANTLE00001',
  secretAccessKey: 'plain-mantle-secret',
  region: 'us-east-1',
  service: 'bedrock-mantle',
  bearerToken: 'ABSKplainmantlekey',
}
const GPT_OSS = 'openai.gpt-oss-120b'
const GPT5 = 'openai.gpt-5.5'
const EMBED = 'qwen.qwen3-embedding-8b'

let mantle: PlainMantle
let openai: OpenAI

const clientAt = (prefix: string, apiKey = key.bearerToken) =>
  new OpenAI({ baseURL: `${mantle.url}${prefix}`, apiKey, maxRetries: 0 })

beforeAll(async () => {
  mantle = await startPlainMantle({
    key,
    models: new Map([
      [GPT_OSS, { prefix: '/v1', operations: ['chat', 'responses'] }],
      [GPT5, { prefix: '/openai/v1', operations: ['chat', 'responses'] }],
      [EMBED, { prefix: '/v1', operations: ['embeddings'] }],
    ]),
  })
  openai = clientAt('/v1')
})

afterAll(async () => {
  await mantle.close()
})

beforeEach(() => {
  mantle.reset()
})

const signedFetch = (path: string, body: string, signingKey = key) =>
  signedPost(mantle.url, path, body, signingKey)

const answer = {
  pieces: ['Hé', 'llo'],
  finishReason: 'stop' as const,
  usage: { prompt: 5, completion: 2 },
}

describe('the plain Mantle stand-in, read by the openai client', () => {
  it('answers chat completions as JSON with the project it was billed to', async () => {
    mantle.reply(chatAnswer(answer))
    const project = new OpenAI({
      baseURL: `${mantle.url}/v1`,
      apiKey: key.bearerToken,
      project: 'proj_abc123',
      maxRetries: 0,
    })
    const completion = await project.chat.completions.create({
      model: GPT_OSS,
      messages: [{ role: 'user', content: 'hi' }],
    })
    expect(completion.object).toBe('chat.completion')
    expect(completion.choices[0]?.message.content).toBe('Héllo')
    expect(completion.usage?.total_tokens).toBe(7)
    expect(mantle.requests[0]).toMatchObject({
      operation: 'chat',
      prefix: '/v1',
      project: 'proj_abc123',
    })
  })

  it('streams chunks, with the usage chunk only when include_usage asks for it', async () => {
    for (const includeUsage of [false, true]) {
      mantle.reply(chatAnswer(answer))
      const stream = await openai.chat.completions.create({
        model: GPT_OSS,
        messages: [{ role: 'user', content: 'hi' }],
        stream: true,
        ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
      })
      const chunks = []
      for await (const chunk of stream) chunks.push(chunk)
      const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')
      expect(text).toBe('Héllo')
      expect(chunks.map((chunk) => chunk.choices[0]?.finish_reason ?? null)).toContain('stop')
      const usages = chunks.filter((chunk) => chunk.usage != null)
      if (includeUsage) {
        expect(usages).toHaveLength(1)
        expect(chunks.at(-1)?.choices).toEqual([])
        expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true)
      } else {
        expect(usages).toEqual([])
        expect(chunks.every((chunk) => !('usage' in chunk))).toBe(true)
      }
    }
  })

  it('answers Responses as JSON and as typed events on the /openai/v1 prefix', async () => {
    const gpt5 = clientAt('/openai/v1')
    const reply = responsesAnswer({ pieces: ['Bon', 'jour'], usage: { input: 3, output: 2 } })
    mantle.reply(reply, reply)
    const response = await gpt5.responses.create({ model: GPT5, input: 'hi' })
    expect(response.output_text).toBe('Bonjour')
    const stream = await gpt5.responses.create({ model: GPT5, input: 'hi', stream: true })
    const types: string[] = []
    const sequence: number[] = []
    for await (const event of stream) {
      types.push(event.type)
      sequence.push(event.sequence_number)
    }
    expect(types[0]).toBe('response.created')
    expect(types.at(-1)).toBe('response.completed')
    expect(types.filter((type) => type === 'response.output_text.delta')).toHaveLength(2)
    expect(sequence).toEqual(sequence.map((_, index) => index))
  })

  it('answers embeddings in base64, which the client asks for by default, or floats', async () => {
    const reply = embeddingsAnswer([[0.5, -0.25, 1]], 4)
    mantle.reply(reply, reply)
    const base64 = await openai.embeddings.create({ model: EMBED, input: 'hi' })
    expect(mantle.requests[0]?.body['encoding_format']).toBe('base64')
    expect(base64.data[0]?.embedding).toEqual([0.5, -0.25, 1])
    const floats = await openai.embeddings.create({
      model: EMBED,
      input: ['hi'],
      encoding_format: 'float',
    })
    expect(floats.data[0]?.embedding).toEqual([0.5, -0.25, 1])
  })

  it('sends scripted errors the client reads with their status, type, code and Retry-After', async () => {
    mantle.reply(
      mantleErrorReply(429, 'rate_limit_error', 'Too many tokens', {
        code: 'rate_limit_exceeded',
        headers: { 'retry-after': '7' },
      }),
    )
    const error: unknown = await openai.chat.completions
      .create({ model: GPT_OSS, messages: [{ role: 'user', content: 'hi' }] })
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(OpenAI.RateLimitError)
    const rateLimit = error as InstanceType<typeof OpenAI.RateLimitError>
    expect([rateLimit.status, rateLimit.type, rateLimit.code]).toEqual([
      429,
      'rate_limit_error',
      'rate_limit_exceeded',
    ])
    expect(rateLimit.headers.get('retry-after')).toBe('7')
  })

  it('accepts SigV4 for service bedrock-mantle, and no other signing name', async () => {
    const body = JSON.stringify({ model: GPT_OSS, messages: [{ role: 'user', content: 'hi' }] })
    mantle.reply(chatAnswer(answer))
    expect((await signedFetch('/v1/chat/completions', body)).status).toBe(200)
    const wrong = await signedFetch('/v1/chat/completions', body, { ...key, service: 'bedrock' })
    expect(wrong.status).toBe(401)
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('invalid_api_key')
  })
})

describe('the plain Mantle stand-in refuses what the service refuses', () => {
  async function refusal(run: () => Promise<unknown>) {
    const error: unknown = await run().then(
      () => undefined,
      (caught: unknown) => caught,
    )
    expect(error).toBeInstanceOf(OpenAI.APIError)
    const { status, type, code, param } = error as InstanceType<typeof OpenAI.APIError>
    return { status, type, code, param }
  }
  const hi = [{ role: 'user' as const, content: 'hi' }]

  it('refuses a body that is not JSON, or not sent as JSON, and lists its models', async () => {
    const post = (body: string, contentType: string) =>
      fetch(`${mantle.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key.bearerToken}`, 'content-type': contentType },
        body,
      })
    expect((await post('{"model":', 'application/json')).status).toBe(400)
    expect((await post('{}', 'text/plain')).status).toBe(400)
    const unknownUrl = await post('{}', 'application/json').then(() =>
      fetch(`${mantle.url}/v1/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key.bearerToken}` },
      }),
    )
    expect(unknownUrl.status).toBe(404)
    expect(mantle.refusals.at(-1)?.error.message).toBe('Invalid URL (POST /v1/completions)')
    const models = await openai.models.list()
    expect(models.data.map((model) => model.id)).toEqual([GPT_OSS, GPT5, EMBED])
  })

  it('refuses a wrong API key with 401 and an unknown model with 404', async () => {
    expect(
      await refusal(() =>
        clientAt('/v1', 'wrong').chat.completions.create({ model: GPT_OSS, messages: hi }),
      ),
    ).toMatchObject({ status: 401, code: 'invalid_api_key' })
    expect(
      await refusal(() => openai.chat.completions.create({ model: 'openai.nope', messages: hi })),
    ).toMatchObject({ status: 404, code: 'model_not_found', param: 'model' })
  })

  it('refuses a model on the other prefix, or on an operation it does not serve', async () => {
    const onV1 = await refusal(() => openai.chat.completions.create({ model: GPT5, messages: hi }))
    expect(onV1).toMatchObject({ status: 400, type: 'invalid_request_error' })
    expect(mantle.refusals[0]?.error.message).toContain("isn't supported on this route")
    expect(
      await refusal(() => openai.chat.completions.create({ model: EMBED, messages: hi })),
    ).toMatchObject({ status: 400 })
  })

  it('refuses unknown members, stream_options without stream and unanswered tool calls', async () => {
    const post = (body: unknown) => signedFetch('/v1/chat/completions', JSON.stringify(body))
    const base = { model: GPT_OSS, messages: hi }
    const statuses = [
      await post({ ...base, guardrailConfig: {} }),
      await post({ ...base, stream_options: { include_usage: true } }),
      await post({
        ...base,
        messages: [
          ...hi,
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }],
          },
          { role: 'user', content: 'and?' },
        ],
      }),
      await post({ ...base, messages: [] }),
    ].map((response) => response.status)
    expect(statuses).toEqual([400, 400, 400, 400])
    expect(mantle.refusals.map((refused) => refused.error.message)).toEqual([
      'Unrecognized request argument supplied: guardrailConfig',
      expect.stringContaining("'stream_options'"),
      expect.stringContaining('c1'),
      expect.stringContaining('empty array'),
    ])
    expect(mantle.requests).toEqual([])
  })
})
