import OpenAI from 'openai'
import { describe, expect, it } from 'vitest'
import { decodeFloat32Base64, embedText } from './embedding-vectors.ts'
import { useEmulator } from './use-emulator.ts'
import { mantleClient, testApiKey } from './mantle-clients.ts'
import { mantleModels } from './mantle-models.ts'

const titan = 'amazon.titan-embed-text-v2:0'
const cohere = 'cohere.embed-v4:0'
const emulator = useEmulator()

describe('Mantle embeddings', () => {
  it('returns deterministic float vectors of the model default size', async () => {
    const out = await mantleClient(emulator.url).embeddings.create({
      model: cohere,
      input: ['alpha beta', 'gamma'],
      encoding_format: 'float',
    })
    expect(out).toMatchObject({
      object: 'list',
      model: cohere,
      usage: { prompt_tokens: 3, total_tokens: 3 },
    })
    expect(out.data.map((d) => [d.object, d.index, d.embedding.length])).toEqual([
      ['embedding', 0, 1536],
      ['embedding', 1, 1536],
    ])
    expect(out.data[0]?.embedding).toEqual(embedText(cohere, 'alpha beta', 1536))
    const norm = Math.hypot(...(out.data[1]?.embedding ?? []))
    expect(norm).toBeCloseTo(1, 5)
  })

  it('sends base64 float32 when asked, which the SDK decodes by default', async () => {
    const client = mantleClient(emulator.url)
    const decoded = await client.embeddings.create({
      model: titan,
      input: 'hello',
      dimensions: 256,
    })
    expect(emulator.requests()[0]?.body).toMatchObject({
      encoding_format: 'base64',
      dimensions: 256,
    })
    expect(decoded.data[0]?.embedding).toEqual(embedText(titan, 'hello', 256))

    const raw = await fetch(`${emulator.url}/v1/embeddings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${testApiKey}` },
      body: JSON.stringify({
        model: titan,
        input: 'hello',
        encoding_format: 'base64',
        dimensions: 256,
      }),
    })
    const body = (await raw.json()) as { data: { embedding: string }[] }
    const [first] = body.data
    expect(typeof first?.embedding).toBe('string')
    expect(decodeFloat32Base64(first?.embedding ?? '')).toEqual(embedText(titan, 'hello', 256))
  })

  it('rejects dimensions the model does not offer and chat models', async () => {
    const client = mantleClient(emulator.url)
    const badSize = await client.embeddings
      .create({ model: titan, input: 'x', dimensions: 300 })
      .catch((e: unknown) => e)
    expect(badSize).toBeInstanceOf(OpenAI.BadRequestError)
    expect(badSize).toMatchObject({ error: { param: 'dimensions' } })
    const chatModel = await client.embeddings
      .create({ model: 'openai.gpt-oss-20b', input: 'x' })
      .catch((e: unknown) => e)
    expect(chatModel).toMatchObject({
      status: 400,
      error: {
        message: "The model 'openai.gpt-oss-20b' does not support the '/v1/embeddings' API",
      },
    })
  })

  it('uses scripted usage and faults', async () => {
    emulator.script({ scenario: { reply: { usage: { inputTokens: 42 } } } })
    emulator.script({
      scenario: { fault: { kind: 'error', exception: 'ServiceUnavailableException' } },
    })
    const client = mantleClient(emulator.url)
    const out = await client.embeddings.create({
      model: titan,
      input: 'x',
      encoding_format: 'float',
    })
    expect(out.usage.prompt_tokens).toBe(42)
    await expect(client.embeddings.create({ model: titan, input: 'x' })).rejects.toBeInstanceOf(
      OpenAI.InternalServerError,
    )
  })
})

describe('Mantle models', () => {
  it('lists every Mantle model on both prefixes', async () => {
    for (const prefix of ['/v1', '/openai/v1'] as const) {
      const ids: string[] = []
      for await (const model of mantleClient(emulator.url, prefix).models.list()) ids.push(model.id)
      expect(ids).toEqual(mantleModels.map((model) => model.id))
    }
    expect(emulator.requests().map((r) => r.operation)).toEqual(['mantle-models', 'mantle-models'])
  })

  it('retrieves one model and 404s an unknown one', async () => {
    const client = mantleClient(emulator.url)
    expect(await client.models.retrieve('openai.gpt-oss-20b')).toEqual({
      id: 'openai.gpt-oss-20b',
      object: 'model',
      created: 1764460800,
      owned_by: 'openai',
    })
    await expect(client.models.retrieve('nope.model')).rejects.toBeInstanceOf(OpenAI.NotFoundError)
  })
})
