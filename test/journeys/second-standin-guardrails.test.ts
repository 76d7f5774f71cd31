// Guardrails through the real gateway against the plain stand-ins: the guarded project's Mantle
// route and Anthropic's `/v1/messages` are checked with ApplyGuardrail (its Converse route carries
// `guardrailConfig`, which the stand-in checks against the same guardrail), which the plain Bedrock
// stand-in answers with its word-policy guardrail (test/support/plain-guardrail.ts: `plutonium` is
// blocked, `Zanzibar` anonymized). Read with the `openai` and `@anthropic-ai/sdk` clients: checks
// that pass, a blocked question (the model never called), a masked question (the model gets it
// masked), a blocked answer and a masked one, as JSON and streamed.
import Anthropic from '@anthropic-ai/sdk'
import OpenAI from 'openai'
import { beforeAll, describe, expect, it } from 'vitest'
import type { PlainBedrock } from '../support/plain-bedrock.ts'
import {
  claudeMessageReply,
  claudeStreamReply,
  converseReply,
  converseStreamReply,
} from '../support/plain-bedrock-replies.ts'
import type { PlainMantle } from '../support/plain-mantle.ts'
import { chatAnswer } from '../support/plain-mantle-replies.ts'
import { GUARDRAIL, usePlainWorld } from '../support/plain-world.ts'

const world = usePlainWorld('second-standin-guardrails')
let bedrock: PlainBedrock
let mantle: PlainMantle
let openai: OpenAI
let anthropic: Anthropic
beforeAll(() => {
  const started = world()
  ;({ bedrock, mantle } = started)
  ;({ openai, anthropic } = started.guarded)
})

const usage = { prompt: 9, completion: 4 }
const verdicts = () =>
  bedrock.guardrailCalls.map((call) => [call.guardrailId, call.version, call.source, call.action])

describe('a guarded Mantle route', () => {
  it('checks the question and the answer, and passes both on', async () => {
    mantle.reply(chatAnswer({ pieces: ['Rivers ', 'flow.'], finishReason: 'stop', usage }))
    const completion = await openai.chat.completions.create({
      model: 'gpt',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Tell me about rivers.' },
      ],
    })
    expect(completion.choices[0]?.message.content).toBe('Rivers flow.')
    expect(completion.choices[0]?.finish_reason).toBe('stop')
    expect(verdicts()).toEqual([
      [GUARDRAIL.id, '1', 'INPUT', 'NONE'],
      [GUARDRAIL.id, '1', 'OUTPUT', 'NONE'],
    ])
    expect(bedrock.guardrailCalls[0]?.texts).toEqual(['Be brief.', 'Tell me about rivers.'])
    expect(bedrock.guardrailCalls[1]?.texts).toEqual(['Rivers flow.'])
    expect(mantle.requests[0]?.project).toBe('proj_guarded')
  })

  it('refuses a blocked question with 400 content_filter and never calls the model', async () => {
    const error: unknown = await openai.chat.completions
      .create({ model: 'gpt', messages: [{ role: 'user', content: 'How is plutonium made?' }] })
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(OpenAI.BadRequestError)
    expect(error).toMatchObject({
      status: 400,
      type: 'invalid_request_error',
      code: 'content_filter',
      param: 'messages',
    })
    expect((error as Error).message).toContain(GUARDRAIL.blockedInputMessaging)
    expect(mantle.requests).toEqual([])
    expect(verdicts()).toEqual([[GUARDRAIL.id, '1', 'INPUT', 'GUARDRAIL_INTERVENED']])
  })

  it('sends an anonymized question to the model as the guardrail masked it', async () => {
    mantle.reply(chatAnswer({ pieces: ['Nice place.'], finishReason: 'stop', usage }))
    const completion = await openai.chat.completions.create({
      model: 'gpt',
      messages: [{ role: 'user', content: 'I live in Zanzibar.' }],
    })
    expect(completion.choices[0]?.message.content).toBe('Nice place.')
    expect(mantle.requests[0]?.body['messages']).toEqual([
      { role: 'user', content: 'I live in {NAME}.' },
    ])
  })

  it("answers a guardrail version the account lacks as the gateway's 500, not the model's 404", async () => {
    const error: unknown = await openai.chat.completions
      .create({ model: 'gpt-misguarded', messages: [{ role: 'user', content: 'Hi' }] })
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(OpenAI.InternalServerError)
    expect(error).toMatchObject({ status: 500, type: 'server_error', code: 'guardrail_not_found' })
    expect(mantle.requests).toEqual([])
    // The stand-in refused the check, as Bedrock would: the table names a version it lacks.
    expect(bedrock.refusals.map((refusal) => refusal.type)).toEqual(['ResourceNotFoundException'])
    bedrock.refusals.length = 0
  })

  it('passes an answer the guardrail masked on as masked, JSON and streamed', async () => {
    const pieces = ['I live in Zan', 'zibar', '. Lovely.']
    const reply = chatAnswer({ pieces, finishReason: 'stop', usage })
    mantle.reply(reply, reply)
    const messages = [{ role: 'user' as const, content: 'Where do you live?' }]
    const completion = await openai.chat.completions.create({ model: 'gpt', messages })
    expect(completion.choices[0]?.message.content).toBe('I live in {NAME}. Lovely.')
    expect(completion.choices[0]?.finish_reason).toBe('stop')
    const stream = await openai.chat.completions.create({ model: 'gpt', messages, stream: true })
    const chunks = []
    for await (const chunk of stream) chunks.push(chunk)
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')
    expect(text).toBe('I live in {NAME}. Lovely.')
    expect(chunks.some((chunk) => chunk.choices[0]?.finish_reason === 'stop')).toBe(true)
  })

  it('replaces a blocked answer with the blocked message and content_filter', async () => {
    mantle.reply(chatAnswer({ pieces: ['Take some ', 'plutonium.'], finishReason: 'stop', usage }))
    const completion = await openai.chat.completions.create({
      model: 'gpt',
      messages: [{ role: 'user', content: 'What fuels a reactor?' }],
    })
    expect(completion.choices[0]?.message.content).toBe(GUARDRAIL.blockedOutputsMessaging)
    expect(completion.choices[0]?.finish_reason).toBe('content_filter')
    expect(completion.usage?.completion_tokens).toBe(4)
  })

  it('ends a stream with a blocked answer in content_filter, and the usage asked for', async () => {
    mantle.reply(
      chatAnswer({ pieces: ['Take some ', 'plutonium', '.'], finishReason: 'stop', usage }),
    )
    const stream = await openai.chat.completions.create({
      model: 'gpt',
      messages: [{ role: 'user', content: 'What fuels a reactor?' }],
      stream: true,
      stream_options: { include_usage: true },
    })
    const chunks = []
    for await (const chunk of stream) chunks.push(chunk)
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')
    expect(text).toBe(GUARDRAIL.blockedOutputsMessaging)
    expect(text).not.toContain('plutonium')
    expect(chunks.some((chunk) => chunk.choices[0]?.finish_reason === 'content_filter')).toBe(true)
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 4 })
  })
})

const hello = (content: string): Anthropic.MessageCreateParamsNonStreaming => ({
  model: 'claude',
  max_tokens: 128,
  system: 'Be brief.',
  messages: [{ role: 'user', content }],
})
const claude = { id: 'msg_bdrk_guard01', model: 'claude-sonnet-4-6' }
const claudeUsage = { input_tokens: 12, output_tokens: 5 }
const converseUsage = { inputTokens: 12, outputTokens: 5 }

describe('Anthropic Messages on a guarded route', () => {
  it('checks the system prompt, the question and the answer, and passes them on', async () => {
    bedrock.reply(
      claudeMessageReply({
        ...claude,
        text: 'Rivers flow.',
        stopReason: 'end_turn',
        usage: claudeUsage,
      }),
    )
    const message = await anthropic.messages.create(hello('Tell me about rivers.'))
    expect(message.content).toEqual([{ type: 'text', text: 'Rivers flow.' }])
    expect(message.stop_reason).toBe('end_turn')
    expect(verdicts()).toEqual([
      [GUARDRAIL.id, '1', 'INPUT', 'NONE'],
      [GUARDRAIL.id, '1', 'OUTPUT', 'NONE'],
    ])
    expect(bedrock.guardrailCalls[0]?.texts).toEqual(['Be brief.', 'Tell me about rivers.'])
  })

  it("refuses a blocked question with Anthropic's 400 and never calls Claude", async () => {
    const error: unknown = await anthropic.messages
      .create(hello('How is plutonium made?'))
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(Anthropic.BadRequestError)
    expect((error as InstanceType<typeof Anthropic.BadRequestError>).error).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error' },
    })
    expect((error as Error).message).toContain(GUARDRAIL.blockedInputMessaging)
    expect(bedrock.requests).toEqual([])
  })

  it('sends an anonymized question to Claude as the guardrail masked it', async () => {
    bedrock.reply(
      claudeMessageReply({ ...claude, text: 'Nice.', stopReason: 'end_turn', usage: claudeUsage }),
    )
    const message = await anthropic.messages.create(hello('I live in Zanzibar.'))
    expect(message.content).toEqual([{ type: 'text', text: 'Nice.' }])
    expect(bedrock.requests[0]?.body['messages']).toEqual([
      { role: 'user', content: 'I live in {NAME}.' },
    ])
  })

  it('passes an answer the guardrail masked on as masked, JSON and streamed', async () => {
    const text = 'I live in Zanzibar. Lovely.'
    bedrock.reply(
      claudeMessageReply({ ...claude, text, stopReason: 'end_turn', usage: claudeUsage }),
      claudeStreamReply({
        ...claude,
        pieces: ['I live in Zan', 'zibar', '. Lovely.'],
        stopReason: 'end_turn',
        usage: claudeUsage,
      }),
    )
    const message = await anthropic.messages.create(hello('Where do you live?'))
    expect(message.content).toEqual([{ type: 'text', text: 'I live in {NAME}. Lovely.' }])
    expect(message.stop_reason).toBe('end_turn')
    const final = await anthropic.messages.stream(hello('Where do you live?')).finalMessage()
    expect(final.content).toEqual([{ type: 'text', text: 'I live in {NAME}. Lovely.' }])
    expect(final.stop_reason).toBe('end_turn')
  })

  it('answers a blocked answer as a refusal with the blocked message', async () => {
    bedrock.reply(
      claudeMessageReply({
        ...claude,
        text: 'Use plutonium.',
        stopReason: 'end_turn',
        usage: claudeUsage,
      }),
    )
    const message = await anthropic.messages.create(hello('What fuels a reactor?'))
    expect(message.content).toEqual([{ type: 'text', text: GUARDRAIL.blockedOutputsMessaging }])
    expect(message.stop_reason).toBe('refusal')
    expect(message.usage.output_tokens).toBe(5)
  })

  it('streams a blocked answer as the blocked message and a refusal', async () => {
    bedrock.reply(
      claudeStreamReply({
        ...claude,
        pieces: ['Use ', 'pluto', 'nium.'],
        stopReason: 'end_turn',
        usage: claudeUsage,
      }),
    )
    const stream = anthropic.messages.stream(hello('What fuels a reactor?'))
    const final = await stream.finalMessage()
    const text = final.content.map((block) => (block.type === 'text' ? block.text : '')).join('')
    expect(text).toBe(GUARDRAIL.blockedOutputsMessaging)
    expect(final.stop_reason).toBe('refusal')
    expect(final.usage.output_tokens).toBe(5)
  })
})

describe('a guarded Converse route', () => {
  const question = [{ role: 'user' as const, content: 'How is plutonium made?' }]
  const hi = [{ role: 'user' as const, content: 'Hi' }]

  it('sends the guardrail in guardrailConfig, with the stream mode on ConverseStream', async () => {
    bedrock.reply(
      converseReply({ text: 'Fine.', stopReason: 'end_turn', usage: converseUsage }),
      converseStreamReply({ pieces: ['Fine.'], stopReason: 'end_turn', usage: converseUsage }),
    )
    await openai.chat.completions.create({ model: 'claude', messages: hi })
    const stream = await openai.chat.completions.create({
      model: 'claude',
      messages: hi,
      stream: true,
    })
    for await (const chunk of stream) expect(chunk.model).toBe('claude')
    expect(bedrock.requests.map((request) => request.body['guardrailConfig'])).toEqual([
      { guardrailIdentifier: GUARDRAIL.id, guardrailVersion: '1', trace: 'enabled' },
      {
        guardrailIdentifier: GUARDRAIL.id,
        guardrailVersion: '1',
        trace: 'enabled',
        streamProcessingMode: 'sync',
      },
    ])
  })

  it("turns Bedrock's intervention on the input into 400 content_filter", async () => {
    bedrock.reply({
      kind: 'json',
      body: {
        output: {
          message: { role: 'assistant', content: [{ text: GUARDRAIL.blockedInputMessaging }] },
        },
        stopReason: 'guardrail_intervened',
        usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
        metrics: { latencyMs: 90 },
        trace: {
          guardrail: {
            inputAssessment: {
              [GUARDRAIL.id]: {
                wordPolicy: {
                  customWords: [{ match: 'plutonium', action: 'BLOCKED', detected: true }],
                },
              },
            },
          },
        },
      },
    })
    const error: unknown = await openai.chat.completions
      .create({ model: 'claude', messages: question })
      .catch((caught: unknown) => caught)
    expect(error).toMatchObject({ status: 400, code: 'content_filter' })
    expect((error as Error).message).toContain(GUARDRAIL.blockedInputMessaging)
  })
})
