import { describe, expect, it, vi } from 'vitest'
import { GatewayError } from '../errors/gateway-error.ts'
import { parseChatCompletionRequest, type ChatCompletionChunk } from '../openai/chat-completions.ts'
import { randomPieces, seededRandom, sourceOf } from '../../test-support/byte-feedings.ts'
import { readFixture } from '../../test-support/converse-stream-fixtures/event-fixtures.ts'
import type { ConverseCall, ConverseClient } from '../upstream/converse-client.ts'
import { converseResponseSchema } from '../upstream/converse-shapes.ts'
import type { ImageResolver } from '../upstream/image-fetcher.ts'
import type { ChatCallContext } from './chat-backend.ts'
import type { BackendTarget } from './backend-target.ts'
import { createConverseBackend } from './converse-backend.ts'
import { invalidRequest } from '../errors/catalogue.ts'

const target: BackendTarget = {
  kind: 'converse',
  modelId: 'us.anthropic.claude-sonnet-4-6',
  region: 'us-west-2',
}
const context = (): ChatCallContext => ({
  id: 'chatcmpl-abc',
  created: 1767225600,
  model: 'support-chat',
  signal: new AbortController().signal,
})
const request = (body: Record<string, unknown> = {}) =>
  parseChatCompletionRequest({
    model: 'support-chat',
    messages: [{ role: 'user', content: 'Hi' }],
    ...body,
  })

const reply = converseResponseSchema.parse({
  output: { message: { role: 'assistant', content: [{ text: 'Hello!' }] } },
  stopReason: 'end_turn',
  usage: { inputTokens: 3, outputTokens: 2, totalTokens: 5 },
})

function fakeClient(streamBytes: Buffer = Buffer.alloc(0)) {
  const calls: ConverseCall[] = []
  const converse = vi.fn((call: ConverseCall) => {
    calls.push(call)
    return Promise.resolve(reply)
  })
  const converseStream = vi.fn((call: ConverseCall) => {
    calls.push(call)
    return Promise.resolve(sourceOf(randomPieces(streamBytes, seededRandom(9))))
  })
  const client: ConverseClient = { converse, converseStream, close: () => Promise.resolve() }
  return { client, calls, converse, converseStream }
}

describe('converse backend', () => {
  it('completes: translates, calls upstream with the target and signal, maps the answer', async () => {
    const { client, calls } = fakeClient()
    const callContext = context()
    const completion = await createConverseBackend({ client }).complete(
      request({ temperature: 0.3 }),
      target,
      callContext,
    )
    expect(calls[0]).toEqual({
      modelId: target.modelId,
      region: 'us-west-2',
      body: {
        messages: [{ role: 'user', content: [{ text: 'Hi' }] }],
        inferenceConfig: { temperature: 0.3 },
      },
      signal: callContext.signal,
    })
    expect(completion).toMatchObject({
      id: 'chatcmpl-abc',
      created: 1767225600,
      model: 'support-chat',
      choices: [{ message: { content: 'Hello!' }, finish_reason: 'stop' }],
    })
  })

  it('streams a recorded Bedrock stream into the expected chunks', async () => {
    const { client } = fakeClient(readFixture('text-with-reasoning', '.eventstream'))
    const chunks = await Array.fromAsync(
      createConverseBackend({ client }).stream(request({ stream: true }), target, context()),
    )
    const expected = JSON.parse(
      readFixture('text-with-reasoning', '.expected.json').toString('utf8'),
    ) as { chunks: ChatCompletionChunk[] }
    expect(chunks).toEqual(
      expected.chunks.map((chunk) => ({ ...chunk, id: 'chatcmpl-abc', model: 'support-chat' })),
    )
    expect(chunks.at(-1)?.choices).toEqual([])
  })

  it('throws a translation error before calling upstream', async () => {
    const { client, converse, converseStream } = fakeClient()
    const backend = createConverseBackend({ client })
    await expect(
      Array.fromAsync(backend.stream(request({ n: 3 }), target, context())),
    ).rejects.toMatchObject({ status: 400, param: 'n' })
    await expect(backend.complete(request({ n: 3 }), target, context())).rejects.toMatchObject({
      status: 400,
      param: 'n',
    })
    expect(converse).not.toHaveBeenCalled()
    expect(converseStream).not.toHaveBeenCalled()
  })

  it('fetches each remote image once, with the call signal, when a resolver is configured', async () => {
    const { client, calls } = fakeClient()
    const resolveImage = vi.fn<ImageResolver>(() =>
      Promise.resolve({ format: 'jpeg', bytes: '/9j/' }),
    )
    const url = 'https://images.example/cat.jpg'
    const part = { type: 'image_url', image_url: { url } }
    const callContext = context()
    await createConverseBackend({ client, resolveImage }).complete(
      request({ messages: [{ role: 'user', content: [part, part] }] }),
      target,
      callContext,
    )
    expect(resolveImage).toHaveBeenCalledTimes(1)
    expect(resolveImage).toHaveBeenCalledWith(url, callContext.signal)
    expect(calls[0]?.body.messages[0]?.content).toEqual([
      { image: { format: 'jpeg', source: { bytes: '/9j/' } } },
      { image: { format: 'jpeg', source: { bytes: '/9j/' } } },
    ])
  })

  it('names the image part when fetching it fails', async () => {
    const { client } = fakeClient()
    const resolveImage: ImageResolver = () =>
      Promise.reject(
        invalidRequest('The image is larger than 10 bytes.', undefined, 'invalid_image_url'),
      )
    const body = request({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'x' },
            { type: 'image_url', image_url: { url: 'https://big.example/a.png' } },
          ],
        },
      ],
    })
    const error = await createConverseBackend({ client, resolveImage })
      .complete(body, target, context())
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(GatewayError)
    expect(error).toMatchObject({
      status: 400,
      param: 'messages[0].content[1].image_url',
      code: 'invalid_image_url',
    })
  })

  it('uses the base model of an ARN target for family-specific mappings', async () => {
    const { client, calls } = fakeClient()
    const arnTarget: BackendTarget = {
      ...target,
      modelId: 'arn:aws:bedrock:us-west-2:123456789012:application-inference-profile/abcd1234efgh',
    }
    const backend = createConverseBackend({
      client,
      baseModelIdOf: () => 'amazon.nova-2-lite-v1:0',
    })
    await backend.complete(request({ reasoning_effort: 'low' }), arnTarget, context())
    expect(calls[0]?.body.additionalModelRequestFields).toEqual({
      reasoningConfig: { type: 'enabled', maxReasoningEffort: 'low' },
    })
  })
})
