// Journeys of the `@anthropic-ai/sdk` client through the real gateway against the plain Bedrock
// stand-in (test/support/plain-bedrock.ts): Messages on InvokeModel and
// InvokeModelWithResponseStream, CountTokens, Claude behind an inference profile ARN.
import Anthropic from '@anthropic-ai/sdk'
import { beforeAll, describe, expect, it } from 'vitest'
import type { PlainBedrock, PlainRequest } from '../support/plain-bedrock.ts'
import { claudeMessageReply, claudeStreamReply } from '../support/plain-bedrock-replies.ts'
import { exceptionMessage } from '../support/plain-event-stream.ts'
import { CLAUDE, PROFILE_ARN, onlyRequest, usePlainWorld } from '../support/plain-world.ts'

const world = usePlainWorld('second-standin-anthropic')
let bedrock: PlainBedrock
let anthropic: Anthropic
beforeAll(() => {
  ;({ bedrock, anthropic } = world())
})

const only = (operation: PlainRequest['operation']): PlainRequest => onlyRequest(bedrock, operation)

const hello: Anthropic.MessageCreateParamsNonStreaming = {
  model: 'claude',
  max_tokens: 128,
  messages: [{ role: 'user', content: 'Hello there' }],
}

describe('Anthropic Messages on InvokeModel', () => {
  it('answers with the Bedrock body sent and usage with cache fields', async () => {
    bedrock.reply(
      claudeMessageReply({
        id: 'msg_bdrk_plain01',
        model: 'claude-sonnet-4-6',
        text: 'Hi from plain Bedrock.',
        stopReason: 'end_turn',
        usage: {
          input_tokens: 12,
          output_tokens: 5,
          cache_read_input_tokens: 40,
          cache_creation_input_tokens: 0,
        },
      }),
    )
    const message = await anthropic.messages.create({ ...hello, system: 'Be brief.' })
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude',
      content: [{ type: 'text', text: 'Hi from plain Bedrock.' }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 12, output_tokens: 5, cache_read_input_tokens: 40 },
    })
    const request = only('invoke')
    expect(request.modelId).toBe(CLAUDE)
    expect(request.body).toEqual({
      anthropic_version: 'bedrock-2023-05-31',
      max_tokens: 128,
      system: 'Be brief.',
      messages: hello.messages,
    })
  })

  it('streams text and a tool call the SDK assembles', async () => {
    bedrock.reply(
      claudeStreamReply({
        id: 'msg_bdrk_plain02',
        model: 'claude-sonnet-4-6',
        pieces: ['Let me ', 'check.'],
        tool: { id: 'toolu_plain', name: 'get_weather', inputPieces: ['{"city"', ': "Rome"}'] },
        stopReason: 'tool_use',
        usage: { input_tokens: 20, output_tokens: 15 },
      }),
    )
    const message = await anthropic.messages
      .stream({
        ...hello,
        tools: [
          {
            name: 'get_weather',
            input_schema: { type: 'object', properties: { city: { type: 'string' } } },
          },
        ],
      })
      .finalMessage()
    expect(message.content).toEqual([
      { type: 'text', text: 'Let me check.' },
      { type: 'tool_use', id: 'toolu_plain', name: 'get_weather', input: { city: 'Rome' } },
    ])
    expect(message.stop_reason).toBe('tool_use')
    expect(message.usage).toMatchObject({ input_tokens: 20, output_tokens: 15 })
    const request = only('invoke-with-response-stream')
    expect(request.headers['x-amzn-bedrock-accept']).toBe('application/json')
    expect(request.body).not.toHaveProperty('stream')
    expect(request.body).not.toHaveProperty('model')
  })

  it('counts tokens with CountTokens', async () => {
    bedrock.reply({ kind: 'json', body: { inputTokens: 17 } })
    const counted = await anthropic.messages.countTokens({
      model: 'claude',
      messages: hello.messages,
    })
    expect(counted.input_tokens).toBe(17)
    // CountTokens counts per foundation model, so the cross-region prefix is gone.
    const request = only('count-tokens')
    expect(request.modelId).toBe('anthropic.claude-sonnet-4-6')
  })
})

describe('an Anthropic stream failing midway', () => {
  it('ends an Anthropic stream with an error event when Bedrock sends an exception mid-stream', async () => {
    const start = claudeStreamReply({
      id: 'msg_bdrk_plain03',
      model: 'claude-sonnet-4-6',
      pieces: ['Half '],
      stopReason: 'end_turn',
      usage: { input_tokens: 3, output_tokens: 1 },
    })
    if (start.kind !== 'stream') throw new Error('a stream reply was expected')
    // message_start, content_block_start and one delta; then the model fails.
    bedrock.reply({
      ...start,
      messages: [
        ...start.messages.slice(0, 3),
        exceptionMessage('modelStreamErrorException', 'The model stopped unexpectedly.'),
      ],
    })
    const stream = anthropic.messages.stream(hello)
    let text = ''
    stream.on('text', (delta) => (text += delta))
    const error: unknown = await stream.finalMessage().then(
      () => undefined,
      (caught: unknown) => caught,
    )
    expect(text).toBe('Half ')
    expect(error).toBeInstanceOf(Anthropic.APIError)
    expect((error as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
      type: 'error',
      error: { type: 'api_error' },
    })
  })
})

describe('Claude behind an application inference profile', () => {
  it('invokes and streams on the ARN, and counts tokens on the foundation model', async () => {
    bedrock.reply(
      claudeMessageReply({
        id: 'msg_bdrk_arn1',
        model: 'claude-sonnet-4-6',
        text: 'Profiled.',
        stopReason: 'end_turn',
        usage: { input_tokens: 2, output_tokens: 2 },
      }),
      claudeStreamReply({
        id: 'msg_bdrk_arn2',
        model: 'claude-sonnet-4-6',
        pieces: ['Streamed ', 'profile.'],
        stopReason: 'end_turn',
        usage: { input_tokens: 2, output_tokens: 3 },
      }),
      { kind: 'json', body: { inputTokens: 9 } },
    )
    const viaProfile = { ...hello, model: 'claude-profile' }
    const message = await anthropic.messages.create(viaProfile)
    expect(message.content).toEqual([{ type: 'text', text: 'Profiled.' }])
    const streamed = await anthropic.messages.stream(viaProfile).finalMessage()
    expect(streamed.content).toEqual([{ type: 'text', text: 'Streamed profile.' }])
    const counted = await anthropic.messages.countTokens({
      model: 'claude-profile',
      messages: hello.messages,
    })
    expect(counted.input_tokens).toBe(9)
    const encoded = encodeURIComponent(PROFILE_ARN)
    expect(bedrock.requests.map((request) => [request.rawPath, request.modelId])).toEqual([
      [`/model/${encoded}/invoke`, PROFILE_ARN],
      [`/model/${encoded}/invoke-with-response-stream`, PROFILE_ARN],
      ['/model/anthropic.claude-sonnet-4-6/count-tokens', 'anthropic.claude-sonnet-4-6'],
    ])
  })
})
