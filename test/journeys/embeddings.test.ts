// Journeys of an application team creating embeddings with the official `openai` client through
// strata-gateway: Titan v2 through InvokeModel on the converse kind, and Mantle's own Embeddings
// API on the mantle kind. The client asks for base64 by default and decodes it itself, so the
// default calls also prove the gateway's float32 encoding.
import OpenAI from 'openai'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  JOURNEY_PROJECT_ID,
  MANTLE_EMBED_MODEL_ID,
  TITAN_EMBED_MODEL_ID,
  startJourney,
  type Journey,
} from '../support/journey.ts'

let journey: Journey

beforeAll(async () => {
  journey = await startJourney('embeddings')
})

afterAll(async () => {
  await journey.stop()
})

beforeEach(async () => {
  await journey.bedrock.reset()
})

function expectSameVectors(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length)
  actual.forEach((value, index) => {
    expect(value).toBeCloseTo(expected[index] ?? Number.NaN, 6)
  })
}

describe('embeddings through the gateway', () => {
  it('embeds a batch with Titan v2 on InvokeModel, one call per text, at the asked size', async () => {
    const answer = await journey.openai.embeddings.create({
      model: 'embed',
      input: ['The quick brown fox', 'jumps over the lazy dog'],
      dimensions: 512,
    })
    expect(answer.object).toBe('list')
    expect(answer.model).toBe('embed')
    expect(answer.data.map((item) => item.index)).toEqual([0, 1])
    for (const item of answer.data) expect(item.embedding).toHaveLength(512)
    expect(answer.usage).toEqual({ prompt_tokens: 9, total_tokens: 9 })

    const calls = (await journey.bedrock.requests()).filter(
      (request) => request.operation === 'invoke-model',
    )
    expect(calls.map((call) => call.modelId)).toEqual([TITAN_EMBED_MODEL_ID, TITAN_EMBED_MODEL_ID])
    expect(calls.map((call) => call.body)).toEqual(
      expect.arrayContaining([
        { inputText: 'The quick brown fox', dimensions: 512, normalize: true },
        { inputText: 'jumps over the lazy dog', dimensions: 512, normalize: true },
      ]),
    )
  })

  it.each(['embed', 'embed-mantle'])(
    'answers %s in base64 that decodes to the float answer',
    async (model) => {
      const floats = await journey.openai.embeddings.create({
        model,
        input: 'same text',
        encoding_format: 'float',
      })
      const decoded = await journey.openai.embeddings.create({ model, input: 'same text' })
      expectSameVectors(decoded.data[0]?.embedding ?? [], floats.data[0]?.embedding ?? [])
    },
  )

  it('passes Mantle embeddings through, attributed to the project, alias as model', async () => {
    const answer = await journey.openai.embeddings.create({
      model: 'embed-mantle',
      input: ['one', 'two'],
      dimensions: 256,
      encoding_format: 'float',
    })
    expect(answer.model).toBe('embed-mantle')
    expect(answer.data).toHaveLength(2)
    expect(answer.data[0]?.embedding).toHaveLength(256)
    const [call] = await journey.bedrock.requests()
    expect(call?.headers['openai-project']).toBe(JOURNEY_PROJECT_ID)
    expect(call?.body).toMatchObject({ model: MANTLE_EMBED_MODEL_ID, dimensions: 256 })
  })

  it('announces `user` as dropped on InvokeModel, and relays it to Mantle', async () => {
    const titan = await journey.openai.embeddings
      .create({ model: 'embed', input: 'x', user: 'team-a' })
      .withResponse()
    expect(titan.response.headers.get('x-strata-dropped-params')).toBe('user')
    const mantle = await journey.openai.embeddings
      .create({ model: 'embed-mantle', input: 'x', user: 'team-a' })
      .withResponse()
    expect(mantle.response.headers.get('x-strata-dropped-params')).toBeNull()
    const relayed = (await journey.bedrock.requests()).find(
      (request) => request.modelId === MANTLE_EMBED_MODEL_ID,
    )
    expect(relayed?.body).toMatchObject({ user: 'team-a' })
  })

  it.each([
    ['a size Titan does not offer', { input: 'x', dimensions: 300 }, 'dimensions'],
    ['token ids on Titan', { input: [1, 2, 3] }, 'input'],
    ['an unknown parameter', { input: 'x', truncate: 'END' }, 'truncate'],
  ])('answers 400 for %s', async (_, body, param) => {
    const error: unknown = await journey.openai.embeddings
      .create({ model: 'embed', ...body })
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(OpenAI.BadRequestError)
    expect(error).toMatchObject({ status: 400, param })
    expect(
      (await journey.bedrock.requests()).filter((request) => request.operation === 'invoke-model'),
    ).toHaveLength(0)
  })
})
