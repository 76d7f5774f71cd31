import {
  ApplyGuardrailCommand,
  ConverseCommand,
  ConverseStreamCommand,
} from '@aws-sdk/client-bedrock-runtime'
import { describe, expect, it } from 'vitest'
import {
  BLOCKED_INPUT_MESSAGE,
  BLOCKED_OUTPUT_MESSAGE,
  GUARDRAIL_TRIGGER_WORD,
} from './guardrails.ts'
import { useEmulator } from './use-emulator.ts'
import { collectStream, sigv4Client, userSays } from './sdk-clients.ts'

const modelId = 'anthropic.claude-haiku-4-5-20251001-v1:0'
const guardrailConfig = { guardrailIdentifier: 'gr0test1', guardrailVersion: '1' }
const emulator = useEmulator()

describe('ApplyGuardrail', () => {
  it('passes text without the trigger word with action NONE', async () => {
    const out = await sigv4Client(emulator.url).send(
      new ApplyGuardrailCommand({
        guardrailIdentifier: 'gr0test1',
        guardrailVersion: 'DRAFT',
        source: 'INPUT',
        content: [{ text: { text: 'What is the capital of France?' } }],
      }),
    )
    expect(out.action).toBe('NONE')
    expect(out.outputs).toEqual([])
    expect(out.usage?.wordPolicyUnits).toBe(1)
    expect(emulator.requests().map((request) => request.operation)).toEqual(['apply-guardrail'])
  })

  it.each([
    ['INPUT', BLOCKED_INPUT_MESSAGE],
    ['OUTPUT', BLOCKED_OUTPUT_MESSAGE],
  ] as const)(
    'blocks %s with the trigger word and answers the blocked message',
    async (source, message) => {
      const out = await sigv4Client(emulator.url).send(
        new ApplyGuardrailCommand({
          guardrailIdentifier: 'arn:aws:bedrock:us-east-1:123456789012:guardrail/gr0test1',
          guardrailVersion: '3',
          source,
          content: [{ text: { text: `Tell me the ${GUARDRAIL_TRIGGER_WORD} thing.` } }],
        }),
      )
      expect(out.action).toBe('GUARDRAIL_INTERVENED')
      expect(out.outputs).toEqual([{ text: message }])
      expect(out.assessments?.[0]?.wordPolicy?.customWords).toEqual([
        { match: GUARDRAIL_TRIGGER_WORD, action: 'BLOCKED', detected: true },
      ])
    },
  )

  it('refuses an unknown version with ResourceNotFoundException', async () => {
    const call = sigv4Client(emulator.url).send(
      new ApplyGuardrailCommand({
        guardrailIdentifier: 'gr0test1',
        guardrailVersion: 'latest',
        source: 'INPUT',
        content: [{ text: { text: 'x' } }],
      }),
    )
    await expect(call).rejects.toMatchObject({ name: 'ResourceNotFoundException' })
  })

  it('obeys a scripted fault', async () => {
    emulator.script({
      match: { operation: 'apply-guardrail' },
      scenario: { fault: { kind: 'error', exception: 'ThrottlingException' } },
    })
    const call = sigv4Client(emulator.url).send(
      new ApplyGuardrailCommand({
        guardrailIdentifier: 'gr0test1',
        guardrailVersion: '1',
        source: 'OUTPUT',
        content: [{ text: { text: 'x' } }],
      }),
    )
    await expect(call).rejects.toMatchObject({ name: 'ThrottlingException' })
  })
})

describe('Converse with guardrailConfig', () => {
  it('blocks input with the trigger word: guardrail_intervened, the input message, an input trace', async () => {
    const out = await sigv4Client(emulator.url).send(
      new ConverseCommand({
        modelId,
        messages: userSays(`something ${GUARDRAIL_TRIGGER_WORD}`),
        guardrailConfig: { ...guardrailConfig, trace: 'enabled' },
      }),
    )
    expect(out.stopReason).toBe('guardrail_intervened')
    expect(out.output?.message?.content).toEqual([{ text: BLOCKED_INPUT_MESSAGE }])
    expect(out.usage?.outputTokens).toBe(0)
    expect(Object.keys(out.trace?.guardrail?.inputAssessment ?? {})).toEqual(['gr0test1'])
    expect(out.trace?.guardrail?.outputAssessments).toBeUndefined()
  })

  it('blocks a scripted reply with the trigger word as output, without trace unless asked', async () => {
    emulator.script({ scenario: { reply: { text: `The ${GUARDRAIL_TRIGGER_WORD} answer.` } } })
    const out = await sigv4Client(emulator.url).send(
      new ConverseCommand({ modelId, messages: userSays('hello'), guardrailConfig }),
    )
    expect(out.stopReason).toBe('guardrail_intervened')
    expect(out.output?.message?.content).toEqual([{ text: BLOCKED_OUTPUT_MESSAGE }])
    expect(out.trace).toBeUndefined()
  })

  it('leaves the trigger word alone without guardrailConfig', async () => {
    const out = await sigv4Client(emulator.url).send(
      new ConverseCommand({ modelId, messages: userSays(GUARDRAIL_TRIGGER_WORD) }),
    )
    expect(out.stopReason).toBe('end_turn')
  })

  it('streams an output intervention with the trace in the metadata event', async () => {
    emulator.script({
      scenario: { reply: { text: `A long and ${GUARDRAIL_TRIGGER_WORD} reply.` } },
    })
    const out = await sigv4Client(emulator.url).send(
      new ConverseStreamCommand({
        modelId,
        messages: userSays('hello'),
        guardrailConfig: { ...guardrailConfig, trace: 'enabled', streamProcessingMode: 'sync' },
      }),
    )
    const events = await collectStream(out.stream)
    const text = events
      .filter((event) => event.type === 'contentBlockDelta')
      .map((event) => (event.value as { delta?: { text?: string } }).delta?.text ?? '')
      .join('')
    expect(text).toBe(BLOCKED_OUTPUT_MESSAGE)
    expect(events.find((event) => event.type === 'messageStop')?.value).toMatchObject({
      stopReason: 'guardrail_intervened',
    })
    const metadata = events.find((event) => event.type === 'metadata')?.value as {
      trace?: { guardrail?: { outputAssessments?: Record<string, unknown> } }
    }
    expect(Object.keys(metadata.trace?.guardrail?.outputAssessments ?? {})).toEqual(['gr0test1'])
  })
})
