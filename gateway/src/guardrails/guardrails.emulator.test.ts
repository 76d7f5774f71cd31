// Guardrails on both backend kinds against the Bedrock emulator, whose guardrails block any text
// with GUARDRAIL_TRIGGER_WORD: Converse carries guardrailConfig, Mantle is checked with
// ApplyGuardrail before and after the call, and every intervention is counted once.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startEmulator, type Emulator } from '../../../test/emulator/index.ts'
import {
  BLOCKED_INPUT_MESSAGE,
  BLOCKED_OUTPUT_MESSAGE,
  GUARDRAIL_TRIGGER_WORD,
} from '../../../test/emulator/guardrails.ts'
import type { ChatBackend, ChatCallContext } from '../backends/chat-backend.ts'
import type { BackendTarget } from '../backends/backend-target.ts'
import { createConverseBackend } from '../backends/converse-backend.ts'
import { createMantleBackend } from '../backends/mantle-backend.ts'
import { GatewayError } from '../errors/gateway-error.ts'
import { parseChatCompletionRequest, type ChatCompletionChunk } from '../openai/chat-completions.ts'
import { createConverseClient, type ConverseClient } from '../upstream/converse-client.ts'
import { fromEnv } from '../upstream/converse-client-config.ts'
import { createGuardrailClient, type GuardrailClient } from '../upstream/guardrail-client.ts'
import { createMantleClient, type MantleClient } from '../upstream/mantle-client.ts'
import { mantleConfigFromEnv } from '../upstream/mantle-client-config.ts'
import type { GuardrailDirection } from './guardrail-target.ts'
import { withApplyGuardrail } from '../backends/mantle-guardrail.ts'

let emulator: Emulator
let converseClient: ConverseClient
let mantleClient: MantleClient
let guardrailClient: GuardrailClient
let converse: ChatBackend
let mantle: ChatBackend
let interventions: GuardrailDirection[]

const credentials = () => Promise.resolve({ accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' })

beforeAll(async () => {
  emulator = await startEmulator()
  const env = {
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: emulator.url,
    AWS_ENDPOINT_URL_BEDROCK_MANTLE: emulator.url,
  }
  converseClient = createConverseClient(fromEnv(env, credentials))
  mantleClient = createMantleClient(mantleConfigFromEnv(env, credentials))
  guardrailClient = createGuardrailClient(fromEnv(env, credentials))
  converse = createConverseBackend({ client: converseClient })
  // A small window, so a short scripted answer spans several checks.
  mantle = withApplyGuardrail(createMantleBackend({ client: mantleClient }), {
    client: guardrailClient,
    windowChars: 24,
  })
})

afterAll(async () => {
  await Promise.all([converseClient.close(), mantleClient.close(), guardrailClient.close()])
  await emulator.close()
})

beforeEach(() => {
  emulator.reset()
  interventions = []
})

const guarded = (kind: 'converse' | 'mantle', withGuardrail = true): BackendTarget => ({
  kind,
  modelId: kind === 'converse' ? 'us.anthropic.claude-sonnet-4-6' : 'openai.gpt-oss-120b',
  region: 'us-east-1',
  projectId: 'proj_guarded',
  ...(withGuardrail
    ? {
        guardrail: {
          identifier: 'gr0support',
          version: '2',
          onIntervention: (direction: GuardrailDirection) => interventions.push(direction),
        },
      }
    : {}),
})
const context = (): ChatCallContext => ({
  id: 'chatcmpl-guard',
  created: 1,
  model: 'support-chat',
  signal: new AbortController().signal,
})
const request = (content: string, stream = false) =>
  parseChatCompletionRequest({
    model: 'support-chat',
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content },
    ],
    ...(stream ? { stream: true } : {}),
  })
const textOf = (chunks: ChatCompletionChunk[]): string =>
  chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')
const finishOf = (chunks: ChatCompletionChunk[]) =>
  chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.finish_reason)).filter(Boolean)

async function refusal(call: Promise<unknown>): Promise<GatewayError> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(GatewayError)
  return error as GatewayError
}

describe('guardrails on converse', () => {
  it('sends guardrailConfig with trace, and streamProcessingMode only on streams', async () => {
    await converse.complete(request('hello'), guarded('converse'), context())
    await Array.fromAsync(converse.stream(request('hello', true), guarded('converse'), context()))
    const bodies = emulator.requests().map((recorded) => recorded.body as Record<string, unknown>)
    expect(bodies.map((body) => body['guardrailConfig'])).toEqual([
      { guardrailIdentifier: 'gr0support', guardrailVersion: '2', trace: 'enabled' },
      {
        guardrailIdentifier: 'gr0support',
        guardrailVersion: '2',
        trace: 'enabled',
        streamProcessingMode: 'sync',
      },
    ])
    expect(interventions).toEqual([])
  })

  it('sends no guardrailConfig without a guardrail', async () => {
    await converse.complete(request('hello'), guarded('converse', false), context())
    expect(emulator.requests()[0]?.body).not.toHaveProperty('guardrailConfig')
  })

  it('turns a blocked input into a 400 content_filter with the guardrail message', async () => {
    const error = await refusal(
      converse.complete(
        request(`a ${GUARDRAIL_TRIGGER_WORD} question`),
        guarded('converse'),
        context(),
      ),
    )
    expect(error).toMatchObject({
      status: 400,
      code: 'content_filter',
      message: BLOCKED_INPUT_MESSAGE,
    })
    expect(interventions).toEqual(['input'])
  })

  it('turns a blocked answer into finish_reason content_filter', async () => {
    emulator.script({ scenario: { reply: { text: `The ${GUARDRAIL_TRIGGER_WORD} answer.` } } })
    const completion = await converse.complete(request('hello'), guarded('converse'), context())
    expect(completion.choices[0]).toMatchObject({
      finish_reason: 'content_filter',
      message: { content: BLOCKED_OUTPUT_MESSAGE },
    })
    expect(interventions).toEqual(['output'])
  })

  it('counts a streamed intervention once, after the stream', async () => {
    emulator.script({ scenario: { reply: { text: `The ${GUARDRAIL_TRIGGER_WORD} answer.` } } })
    const chunks = await Array.fromAsync(
      converse.stream(request('hello', true), guarded('converse'), context()),
    )
    expect(textOf(chunks)).toBe(BLOCKED_OUTPUT_MESSAGE)
    expect(finishOf(chunks)).toEqual(['content_filter'])
    expect(interventions).toEqual(['output'])
  })
})

describe('guardrails on mantle (ApplyGuardrail)', () => {
  it('checks input then output and passes a clean answer unchanged', async () => {
    const completion = await mantle.complete(request('hello'), guarded('mantle'), context())
    expect(completion.choices[0]?.message.content).toBe('Echo: hello')
    const calls = emulator.requests().map((recorded) => [recorded.operation, recorded.body])
    expect(calls).toEqual([
      [
        'apply-guardrail',
        {
          source: 'INPUT',
          content: [{ text: { text: 'Be brief.' } }, { text: { text: 'hello' } }],
        },
      ],
      ['mantle-chat', expect.anything()],
      ['apply-guardrail', { source: 'OUTPUT', content: [{ text: { text: 'Echo: hello' } }] }],
    ])
    expect(emulator.requests()[0]?.path).toBe('/guardrail/gr0support/version/2/apply')
  })

  it('refuses blocked input with 400 content_filter and never calls the model', async () => {
    const error = await refusal(
      mantle.complete(request(`${GUARDRAIL_TRIGGER_WORD} stuff`), guarded('mantle'), context()),
    )
    expect(error).toMatchObject({
      status: 400,
      code: 'content_filter',
      message: BLOCKED_INPUT_MESSAGE,
    })
    expect(emulator.requests().map((recorded) => recorded.operation)).toEqual(['apply-guardrail'])
    const streamed = await refusal(
      Array.fromAsync(
        mantle.stream(request(GUARDRAIL_TRIGGER_WORD, true), guarded('mantle'), context()),
      ),
    )
    expect(streamed.code).toBe('content_filter')
    expect(interventions).toEqual(['input', 'input'])
  })

  it('replaces a blocked answer with the guardrail message and content_filter', async () => {
    emulator.script({
      match: { operation: 'mantle-chat' },
      scenario: { reply: { text: `A ${GUARDRAIL_TRIGGER_WORD} reply.` } },
    })
    const completion = await mantle.complete(request('hello'), guarded('mantle'), context())
    expect(completion.choices[0]).toMatchObject({
      finish_reason: 'content_filter',
      message: { content: BLOCKED_OUTPUT_MESSAGE },
    })
    expect(completion.usage.completion_tokens).toBeGreaterThan(0)
    expect(interventions).toEqual(['output'])
  })

  it('streams passed windows, then the guardrail message, and keeps the usage chunk', async () => {
    const clean = 'This first part is perfectly fine to show. '
    const full = `${clean}Then comes the ${GUARDRAIL_TRIGGER_WORD} part.`
    emulator.script({
      match: { operation: 'mantle-chat' },
      scenario: {
        reply: { text: full },
        chunkSize: 8,
      },
    })
    const chunks = await Array.fromAsync(
      mantle.stream(request('hello', true), guarded('mantle'), context()),
    )
    const text = textOf(chunks)
    expect(text.endsWith(BLOCKED_OUTPUT_MESSAGE)).toBe(true)
    expect(text).not.toContain(GUARDRAIL_TRIGGER_WORD)
    // At least one window passed before the block, so streaming really streamed.
    expect(text.length).toBeGreaterThan(BLOCKED_OUTPUT_MESSAGE.length)
    expect(full.startsWith(text.slice(0, text.length - BLOCKED_OUTPUT_MESSAGE.length))).toBe(true)
    expect(finishOf(chunks)).toEqual(['content_filter'])
    expect(chunks.at(-1)?.usage?.completion_tokens).toBeGreaterThan(0)
    expect(interventions).toEqual(['output'])
  })

  it('streams a clean answer whole, checked in windows', async () => {
    emulator.script({
      match: { operation: 'mantle-chat' },
      scenario: { reply: { text: 'A clean answer that spans a few windows.' } },
    })
    const chunks = await Array.fromAsync(
      mantle.stream(request('hello', true), guarded('mantle'), context()),
    )
    expect(textOf(chunks)).toBe('A clean answer that spans a few windows.')
    expect(finishOf(chunks)).toEqual(['stop'])
    const checks = emulator
      .requests()
      .filter((recorded) => recorded.operation === 'apply-guardrail')
    expect(checks.length).toBeGreaterThanOrEqual(3)
    expect(interventions).toEqual([])
  })
})
