// Failures through the real gateway against the plain Bedrock stand-in
// (test/support/plain-bedrock.ts): each Bedrock exception as the OpenAI and Anthropic clients see
// it, streaming or not; exceptions and error frames after a 200; and the gateway authenticating
// with temporary credentials or a Bedrock API key, which the stand-ins check (Bedrock Runtime,
// ApplyGuardrail and Mantle).
import Anthropic from '@anthropic-ai/sdk'
import OpenAI from 'openai'
import { beforeAll, describe, expect, it } from 'vitest'
import type { PlainBedrock } from '../support/plain-bedrock.ts'
import { afterAll } from 'vitest'
import {
  awsErrorReply,
  claudeMessageReply,
  converseReply,
  converseStreamReply,
} from '../support/plain-bedrock-replies.ts'
import { encodeMessage, eventMessage, exceptionMessage } from '../support/plain-event-stream.ts'
import { chatAnswer } from '../support/plain-mantle-replies.ts'
import {
  plainKey,
  startPlainWorld,
  usePlainWorld,
  type PlainWorld,
} from '../support/plain-world.ts'

const world = usePlainWorld('second-standin-failures')
let bedrock: PlainBedrock
let openai: OpenAI
let anthropic: Anthropic
beforeAll(() => {
  ;({ bedrock, openai, anthropic } = world())
})

const hello: Anthropic.MessageCreateParamsNonStreaming = {
  model: 'claude',
  max_tokens: 128,
  messages: [{ role: 'user', content: 'Hello there' }],
}

// What each client sees for a Bedrock exception: gateway/src/errors/bedrock-errors.ts for OpenAI,
// anthropic-errors.ts for Anthropic (an unavailable backend is Anthropic's 529 overloaded_error).
interface Failure {
  type: string
  status: number
  openai: [status: number, type: string, code: string]
  anthropic: [status: number, type: string]
}
const failures: Failure[] = [
  {
    type: 'ThrottlingException',
    status: 429,
    openai: [429, 'rate_limit_error', 'rate_limit_exceeded'],
    anthropic: [429, 'rate_limit_error'],
  },
  {
    type: 'ValidationException',
    status: 400,
    openai: [400, 'invalid_request_error', 'invalid_request'],
    anthropic: [400, 'invalid_request_error'],
  },
  {
    type: 'ModelNotReadyException',
    status: 429,
    openai: [429, 'rate_limit_error', 'model_not_ready'],
    anthropic: [429, 'rate_limit_error'],
  },
  {
    type: 'ServiceUnavailableException',
    status: 503,
    openai: [503, 'api_error', 'service_unavailable'],
    anthropic: [529, 'overloaded_error'],
  },
  {
    type: 'AccessDeniedException',
    status: 403,
    openai: [403, 'permission_error', 'permission_denied'],
    anthropic: [403, 'permission_error'],
  },
  {
    type: 'ModelTimeoutException',
    status: 408,
    openai: [408, 'timeout_error', 'model_timeout'],
    anthropic: [408, 'timeout_error'],
  },
  {
    type: 'ModelErrorException',
    status: 424,
    openai: [502, 'api_error', 'model_error'],
    anthropic: [502, 'api_error'],
  },
  {
    type: 'UnrecognizedClientException',
    status: 403,
    openai: [502, 'api_error', 'upstream_authentication_failed'],
    anthropic: [502, 'api_error'],
  },
]

describe.each(failures)('Bedrock answering $type ($status)', (failure) => {
  const message = `plain ${failure.type} message`
  const [openaiStatus, openaiType, openaiCode] = failure.openai
  const [anthropicStatus, anthropicType] = failure.anthropic

  async function openaiFailure(stream: boolean): Promise<InstanceType<typeof OpenAI.APIError>> {
    const error: unknown = await openai.chat.completions
      .create({ model: 'claude', messages: [{ role: 'user', content: 'x' }], stream })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      )
    expect(error).toBeInstanceOf(OpenAI.APIError)
    return error as InstanceType<typeof OpenAI.APIError>
  }

  it('gives OpenAI clients their error shape and status, streaming or not', async () => {
    const reply = awsErrorReply(failure.type, failure.status, message)
    bedrock.reply(reply, reply)
    for (const stream of [false, true]) {
      const error = await openaiFailure(stream)
      expect([error.status, error.type, error.code]).toEqual([openaiStatus, openaiType, openaiCode])
      // What is wrong with a request is Bedrock's to say; the client needs those words.
      if (failure.type === 'ValidationException') expect(error.message).toContain(message)
    }
    expect(bedrock.requests.map((request) => request.operation)).toEqual([
      'converse',
      'converse-stream',
    ])
  })

  it('gives Anthropic clients their error shape and status, streaming or not', async () => {
    const reply = awsErrorReply(failure.type, failure.status, message)
    bedrock.reply(reply, reply)
    for (const call of [
      () => anthropic.messages.create(hello),
      () => anthropic.messages.stream(hello).finalMessage(),
    ]) {
      const error: unknown = await call().then(
        () => undefined,
        (caught: unknown) => caught,
      )
      expect(error).toBeInstanceOf(Anthropic.APIError)
      const failed = error as InstanceType<typeof Anthropic.APIError>
      expect(failed.status).toBe(anthropicStatus)
      expect(failed.error).toMatchObject({ type: 'error', error: { type: anthropicType } })
    }
    expect(bedrock.requests.map((request) => request.operation)).toEqual([
      'invoke',
      'invoke-with-response-stream',
    ])
  })
})

describe('an exception inside a stream', () => {
  it('ends the OpenAI stream with an error after the text already sent', async () => {
    bedrock.reply(
      converseStreamReply({
        pieces: ['Partial '],
        stopReason: 'end_turn',
        usage: { inputTokens: 1, outputTokens: 1 },
        exception: { type: 'throttlingException', message: 'Too many tokens, slow down.' },
      }),
    )
    const stream = await openai.chat.completions.create({
      model: 'claude',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    })
    let text = ''
    const error: unknown = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ''
    })().then(
      () => undefined,
      (caught: unknown) => caught,
    )
    expect(text).toBe('Partial ')
    expect(error).toBeInstanceOf(OpenAI.APIError)
  })
})

describe('Bedrock failing after it answered 200', () => {
  async function chatStream(): Promise<{ text: string; error: unknown }> {
    let text = ''
    const error: unknown = await (async () => {
      const stream = await openai.chat.completions.create({
        model: 'claude',
        messages: [{ role: 'user', content: 'x' }],
        stream: true,
      })
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ''
    })().then(
      () => undefined,
      (caught: unknown) => caught,
    )
    return { text, error }
  }

  it('answers with the HTTP status when the exception comes before any content', async () => {
    // Real Bedrock often throttles this way: 200, then a throttlingException frame.
    bedrock.reply(
      { kind: 'stream', messages: [exceptionMessage('throttlingException', 'Too many requests.')] },
      {
        kind: 'stream',
        messages: [
          eventMessage('messageStart', { role: 'assistant', p: 'abc' }),
          exceptionMessage('validationException', 'Input is too long for requested model.'),
        ],
      },
    )
    const throttled = await chatStream()
    expect(throttled.error).toBeInstanceOf(OpenAI.APIError)
    expect((throttled.error as InstanceType<typeof OpenAI.APIError>).status).toBe(429)
    const invalid = await chatStream()
    expect((invalid.error as InstanceType<typeof OpenAI.APIError>).status).toBe(400)
    expect((invalid.error as Error).message).toContain('Input is too long for requested model.')
  })

  it('fails the stream when it is cut short or carries an error frame', async () => {
    const whole = converseStreamReply({
      pieces: ['a', 'b'],
      stopReason: 'end_turn',
      usage: { inputTokens: 1, outputTokens: 1 },
    })
    if (whole.kind !== 'stream') throw new Error('a stream reply was expected')
    bedrock.reply(
      { kind: 'stream', messages: whole.messages.slice(0, 3) },
      {
        kind: 'stream',
        messages: [
          ...whole.messages.slice(0, 2),
          encodeMessage(
            {
              ':message-type': 'error',
              ':error-code': 'InternalFailure',
              ':error-message': 'boom',
            },
            Buffer.alloc(0),
          ),
        ],
      },
    )
    const cut = await chatStream()
    expect(cut.text).toBe('ab')
    expect(cut.error).toBeInstanceOf(OpenAI.APIError)
    const broken = await chatStream()
    expect(broken.text).toBe('a')
    expect(broken.error).toBeInstanceOf(OpenAI.APIError)
  })

  it('sends the Anthropic client its HTTP error for an exception before any content', async () => {
    bedrock.reply({
      kind: 'stream',
      messages: [exceptionMessage('throttlingException', 'Too many requests.')],
    })
    const error: unknown = await anthropic.messages
      .stream(hello)
      .finalMessage()
      .then(
        () => undefined,
        (caught: unknown) => caught,
      )
    expect(error).toBeInstanceOf(Anthropic.RateLimitError)
  })
})

describe.each([
  {
    name: 'temporary credentials',
    env: { AWS_SESSION_TOKEN: 'plain-session-token' },
    key: { sessionToken: 'plain-session-token' },
  },
  {
    name: 'a Bedrock API key',
    env: { AWS_BEARER_TOKEN_BEDROCK: 'bedrock-api-key-plain' },
    key: { bearerToken: 'bedrock-api-key-plain' },
  },
])('the gateway authenticated with $name', ({ env, key }) => {
  let other: PlainWorld

  beforeAll(async () => {
    other = await startPlainWorld('second-standin-auth', { key: plainKey(key), env })
  })

  afterAll(async () => {
    await other.stop()
  })

  it('is accepted on Converse, InvokeModel and CountTokens', async () => {
    other.bedrock.reply(
      converseReply({
        text: 'Signed.',
        stopReason: 'end_turn',
        usage: { inputTokens: 1, outputTokens: 1 },
      }),
      claudeMessageReply({
        id: 'msg_bdrk_auth',
        model: 'claude-sonnet-4-6',
        text: 'Invoked.',
        stopReason: 'end_turn',
        usage: { input_tokens: 1, output_tokens: 1 },
      }),
      { kind: 'json', body: { inputTokens: 4 } },
    )
    const completion = await other.openai.chat.completions.create({
      model: 'claude',
      messages: [{ role: 'user', content: 'hi' }],
    })
    expect(completion.choices[0]?.message.content).toBe('Signed.')
    const message = await other.anthropic.messages.create(hello)
    expect(message.content).toEqual([{ type: 'text', text: 'Invoked.' }])
    const counted = await other.anthropic.messages.countTokens({
      model: 'claude',
      messages: hello.messages,
    })
    expect(counted.input_tokens).toBe(4)
    expect(other.bedrock.refusals).toEqual([])
    expect(other.bedrock.requests.map((request) => request.operation)).toEqual([
      'converse',
      'invoke',
      'count-tokens',
    ])
  })

  it('is accepted on Mantle and by ApplyGuardrail', async () => {
    other.mantle.reply(
      chatAnswer({
        pieces: ['Mantle.'],
        finishReason: 'stop',
        usage: { prompt: 1, completion: 1 },
      }),
    )
    const completion = await other.guarded.openai.chat.completions.create({
      model: 'gpt',
      messages: [{ role: 'user', content: 'hi' }],
    })
    expect(completion.choices[0]?.message.content).toBe('Mantle.')
    expect(other.mantle.refusals).toEqual([])
    expect(other.bedrock.refusals).toEqual([])
    expect(other.bedrock.guardrailCalls.map((call) => call.source)).toEqual(['INPUT', 'OUTPUT'])
    const authorization = String(other.mantle.requests[0]?.headers['authorization'])
    if (key.bearerToken === undefined) expect(authorization).toContain('/bedrock-mantle/')
    else expect(authorization).toBe(`Bearer ${key.bearerToken}`)
  })
})
