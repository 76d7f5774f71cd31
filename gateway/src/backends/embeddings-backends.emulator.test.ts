// Both embeddings backends, lean clients included, against the project's Bedrock emulator: the
// converse kind through InvokeModel (Titan and Cohere native bodies), the mantle kind through
// Mantle's own /v1/embeddings.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startEmulator, type Emulator } from '../../../test/emulator/index.ts'
import { parseEmbeddingsRequest } from '../openai/embeddings.ts'
import { createInvokeClient, type InvokeClient } from '../upstream/invoke-client.ts'
import { createMantleClient, type MantleClient } from '../upstream/mantle-client.ts'
import { mantleConfigFromEnv } from '../upstream/mantle-client-config.ts'
import { sigV4Signer } from '@strata/aws-signing'
import type { BackendTarget } from './backend-target.ts'
import { createConverseEmbeddingsBackend } from './converse-embeddings-backend.ts'
import type { EmbeddingsCallContext } from './embeddings-backend.ts'
import { createMantleEmbeddingsBackend } from './mantle-embeddings-backend.ts'

let emulator: Emulator
let invoke: InvokeClient
let mantle: MantleClient
const credentials = () => Promise.resolve({ accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' })

beforeAll(async () => {
  emulator = await startEmulator()
  invoke = createInvokeClient({ endpoint: emulator.url, signer: sigV4Signer(credentials) })
  mantle = createMantleClient(
    mantleConfigFromEnv({ AWS_ENDPOINT_URL_BEDROCK_MANTLE: emulator.url }, credentials),
  )
})

afterAll(async () => {
  await invoke.close()
  await mantle.close()
  await emulator.close()
})

beforeEach(() => {
  emulator.reset()
})

const context = (): EmbeddingsCallContext => ({
  model: 'embed',
  signal: new AbortController().signal,
})
const target = (kind: 'converse' | 'mantle', modelId: string): BackendTarget => ({
  kind,
  modelId,
  region: 'us-east-1',
  projectId: 'proj_embed1',
})
const request = (body: Record<string, unknown>) =>
  parseEmbeddingsRequest({ model: 'embed', ...body })

function decode(base64: string): number[] {
  const bytes = Buffer.from(base64, 'base64')
  return Array.from({ length: bytes.length / 4 }, (_, index) => bytes.readFloatLE(index * 4))
}

const length = (vector: number[]): number => Math.hypot(...vector)

describe('the converse embeddings backend (InvokeModel)', () => {
  const backend = () => createConverseEmbeddingsBackend({ client: invoke })

  it('embeds each text with Titan v2 in its own call, at the asked dimensions', async () => {
    const titan = 'amazon.titan-embed-text-v2:0'
    const answer = await backend().embed(
      request({ input: ['first text', 'second one here'], dimensions: 256 }),
      target('converse', titan),
      context(),
    )
    expect(answer.object).toBe('list')
    expect(answer.model).toBe('embed')
    expect(answer.data.map((item) => item.index)).toEqual([0, 1])
    for (const item of answer.data) {
      const vector = item.embedding as number[]
      expect(vector).toHaveLength(256)
      expect(length(vector)).toBeCloseTo(1, 5)
    }
    expect(answer.data[0]?.embedding).not.toEqual(answer.data[1]?.embedding)
    expect(answer.usage).toEqual({ prompt_tokens: 5, total_tokens: 5 })
    const calls = emulator.requests().filter((call) => call.operation === 'invoke-model')
    expect(calls.map((call) => call.body)).toEqual([
      { inputText: 'first text', dimensions: 256, normalize: true },
      { inputText: 'second one here', dimensions: 256, normalize: true },
    ])
  })

  it('refuses a size Titan does not offer before calling Bedrock', async () => {
    await expect(
      backend().embed(
        request({ input: 'x', dimensions: 300 }),
        target('converse', 'amazon.titan-embed-text-v2:0'),
        context(),
      ),
    ).rejects.toMatchObject({ status: 400, param: 'dimensions' })
    expect(emulator.requests()).toHaveLength(0)
  })

  it.each([
    ['cohere.embed-english-v3', undefined, 1024],
    ['cohere.embed-v4:0', undefined, 1536],
    ['cohere.embed-v4:0', 512, 512],
  ])('embeds a batch with %s in one call (dimensions %s)', async (modelId, dimensions, size) => {
    const answer = await backend().embed(
      request({ input: ['alpha beta', 'gamma', 'delta epsilon zeta'], dimensions }),
      target('converse', modelId),
      context(),
    )
    expect(answer.data).toHaveLength(3)
    for (const item of answer.data) expect(item.embedding).toHaveLength(size)
    // Cohere's body has no count: the usage comes from Bedrock's input-token header.
    expect(answer.usage).toEqual({ prompt_tokens: 6, total_tokens: 6 })
    const calls = emulator.requests().filter((call) => call.operation === 'invoke-model')
    expect(calls).toHaveLength(1)
    expect(calls[0]?.body).toMatchObject({
      texts: ['alpha beta', 'gamma', 'delta epsilon zeta'],
      input_type: 'search_document',
      embedding_types: ['float'],
    })
  })

  it('answers base64 that decodes to the float answer', async () => {
    const titan = target('converse', 'amazon.titan-embed-text-v2:0')
    const floats = await backend().embed(request({ input: 'same text' }), titan, context())
    const packed = await backend().embed(
      request({ input: 'same text', encoding_format: 'base64' }),
      titan,
      context(),
    )
    const expected = floats.data[0]?.embedding as number[]
    const decoded = decode(packed.data[0]?.embedding as string)
    expect(decoded).toHaveLength(expected.length)
    decoded.forEach((value, index) => {
      expect(value).toBeCloseTo(expected[index] ?? Number.NaN, 6)
    })
  })

  it('uses the base model of an application inference profile to pick the family', async () => {
    const profile = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc'
    const withProfile = createConverseEmbeddingsBackend({
      client: invoke,
      baseModelIdOf: () => 'not.an-embedding-model',
    })
    await expect(
      withProfile.embed(request({ input: 'x' }), target('converse', profile), context()),
    ).rejects.toMatchObject({ status: 400, param: 'model' })
  })

  it('fails the whole request when one of the Titan calls is throttled', async () => {
    emulator.script({ scenario: { fault: { kind: 'error', exception: 'ThrottlingException' } } })
    await expect(
      backend().embed(
        request({ input: ['a', 'b', 'c'] }),
        target('converse', 'amazon.titan-embed-text-v2:0'),
        context(),
      ),
    ).rejects.toMatchObject({ status: 429, type: 'rate_limit_error' })
  })

  it('announces `user` as dropped: InvokeModel has nowhere to put it', () => {
    expect(backend().droppedParameters?.(request({ input: 'x', user: 'u' }))).toEqual(['user'])
    expect(backend().droppedParameters?.(request({ input: 'x' }))).toEqual([])
  })

  it('relays a Bedrock ValidationException as a 400', async () => {
    await expect(
      backend().embed(
        request({ input: 'x' }),
        target('converse', 'cohere.embed-unknown-v9'),
        context(),
      ),
    ).rejects.toMatchObject({ status: 400, message: 'The provided model identifier is invalid.' })
  })
})

describe('the mantle embeddings backend (pass-through)', () => {
  const backend = () => createMantleEmbeddingsBackend({ client: mantle })
  const model = 'cohere.embed-v4:0'

  it('passes floats through with the project attributed and the alias as model', async () => {
    const answer = await backend().embed(
      request({ input: ['one', 'two'], dimensions: 256 }),
      target('mantle', model),
      context(),
    )
    expect(answer.model).toBe('embed')
    expect(answer.data).toHaveLength(2)
    expect(answer.data[0]?.embedding).toHaveLength(256)
    expect(answer.usage).toEqual({ prompt_tokens: 2, total_tokens: 2 })
    const [call] = emulator.requests()
    expect(call?.path).toBe('/v1/embeddings')
    expect(call?.headers['openai-project']).toBe('proj_embed1')
    expect(call?.body).toMatchObject({ model, input: ['one', 'two'], dimensions: 256 })
  })

  it('passes base64 through, decoding to the float answer', async () => {
    const floats = await backend().embed(
      request({ input: 'text' }),
      target('mantle', model),
      context(),
    )
    const packed = await backend().embed(
      request({ input: 'text', encoding_format: 'base64' }),
      target('mantle', model),
      context(),
    )
    const expected = floats.data[0]?.embedding as number[]
    const decoded = decode(packed.data[0]?.embedding as string)
    expect(decoded).toHaveLength(expected.length)
    decoded.forEach((value, index) => {
      expect(value).toBeCloseTo(expected[index] ?? Number.NaN, 6)
    })
  })

  it('relays a Mantle 400 for an unsupported size', async () => {
    await expect(
      backend().embed(request({ input: 'x', dimensions: 300 }), target('mantle', model), context()),
    ).rejects.toMatchObject({ status: 400 })
  })
})
