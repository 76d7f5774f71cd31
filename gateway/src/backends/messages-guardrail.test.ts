import { describe, expect, it } from 'vitest'
import { maskingGuardrail } from '../../test-support/guardrail-fakes.ts'
import type { BackendTarget } from './backend-target.ts'
import type { MessagesBackend } from './messages-backend.ts'
import type { MessagesStreamEvent } from '../translators/anthropic-to-invoke/stream.ts'
import type { ApplyGuardrailCall, GuardrailClient } from '../upstream/guardrail-client.ts'
import {
  messagesInputTexts,
  withMaskedDeltas,
  withMessagesGuardrail,
  withMessagesInputTexts,
} from './messages-guardrail.ts'

const interventions: string[] = []
const target: BackendTarget = {
  kind: 'converse',
  modelId: 'us.anthropic.claude-sonnet-4-6',
  region: 'us-east-1',
  guardrail: {
    identifier: 'gr1',
    version: '1',
    onIntervention: (direction) => interventions.push(direction),
  },
}

function client(blocked: string) {
  const calls: ApplyGuardrailCall[] = []
  const guardrails: GuardrailClient = {
    apply(call) {
      calls.push(call)
      const intervened = call.texts.some((text) => text.includes(blocked))
      return Promise.resolve({ intervened, message: intervened ? 'Blocked.' : undefined })
    },
    close: () => Promise.resolve(),
  }
  return { guardrails, calls }
}

const text = (index: number, value: string): MessagesStreamEvent => ({
  type: 'content_block_delta',
  index,
  delta: { type: 'text_delta', text: value },
})

const events: MessagesStreamEvent[] = [
  { type: 'message_start', message: { id: 'm', usage: { input_tokens: 3 } } },
  { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
  text(0, 'safe words '),
  text(0, 'then bad '),
  text(0, 'ones'),
  { type: 'content_block_stop', index: 0 },
  { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 7 } },
  { type: 'message_stop' },
]

function backend(script: MessagesStreamEvent[]): MessagesBackend {
  return {
    create: () => Promise.reject(new Error('not used')),
    async *stream() {
      for (const event of script) {
        await Promise.resolve()
        yield event
      }
    },
    countTokens: () => Promise.resolve(0),
  }
}

async function collect(stream: AsyncIterable<MessagesStreamEvent>): Promise<MessagesStreamEvent[]> {
  const out: MessagesStreamEvent[] = []
  for await (const event of stream) out.push(event)
  return out
}

const context = { model: 'claude', signal: new AbortController().signal }
const request = { body: { system: 'Be kind.', messages: [{ role: 'user', content: 'Hi' }] } }

describe('withMessagesGuardrail on a stream', () => {
  it('passes windows that pass, with the input checked first', async () => {
    const { guardrails, calls } = client('nothing')
    const guarded = withMessagesGuardrail(backend(events), { client: guardrails, windowChars: 10 })
    expect(await collect(guarded.stream(request, target, context))).toEqual(events)
    expect(calls[0]).toMatchObject({ source: 'INPUT', texts: ['Be kind.', 'Hi'] })
    expect(calls.slice(1).every((call) => call.source === 'OUTPUT')).toBe(true)
  })

  it('replaces a blocked window with the guardrail message and ends as a refusal with usage', async () => {
    const { guardrails } = client('bad')
    const guarded = withMessagesGuardrail(backend(events), { client: guardrails, windowChars: 10 })
    const out = await collect(guarded.stream(request, target, context))
    expect(JSON.stringify(out)).not.toContain('bad')
    expect(out).toEqual([
      events[0],
      events[1],
      text(0, 'safe words '),
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
      text(1, 'Blocked.'),
      { type: 'content_block_stop', index: 1 },
      { type: 'message_delta', delta: { stop_reason: 'refusal' }, usage: { output_tokens: 7 } },
      { type: 'message_stop' },
    ])
    expect(interventions).toContain('output')
  })

  it('still ends the message when the blocked window closed on message_delta', async () => {
    const { guardrails } = client('bad')
    const guarded = withMessagesGuardrail(backend(events), { client: guardrails })
    const out = await collect(guarded.stream(request, target, context))
    expect(out.map((event) => event.type)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ])
    expect(out[2]).toEqual(text(0, 'Blocked.'))
  })
})

describe('withMessagesGuardrail without a guardrail', () => {
  it('hands the inner stream over as it is, so that its push side shows through', () => {
    const inner = backend(events)
    const own = inner.stream({ body: {} }, target, { model: 'm', signal: AbortSignal.abort() })
    const unguarded = withMessagesGuardrail(
      { ...inner, stream: () => own },
      { client: client('never').guardrails },
    )
    const bare: BackendTarget = { kind: 'converse', modelId: target.modelId, region: 'us-east-1' }
    expect(unguarded.stream({ body: {} }, bare, { model: 'm', signal: AbortSignal.abort() })).toBe(
      own,
    )
  })
})

describe('messagesInputTexts', () => {
  it('reads the system prompt and the user turns, not the assistant ones', () => {
    expect(
      messagesInputTexts({
        system: [{ type: 'text', text: 'S' }],
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'U' }, { type: 'image' }] },
          { role: 'assistant', content: 'A' },
        ],
      }),
    ).toEqual(['S', 'U'])
  })
})

describe('an input the guardrail only masked', () => {
  it('goes to Claude masked, in place of each text, instead of being refused', async () => {
    const seen: unknown[] = []
    const inner = backend(events)
    const guarded = withMessagesGuardrail(
      {
        ...inner,
        create: (call) => {
          seen.push(call.body)
          return Promise.resolve({
            id: 'msg_1',
            type: 'message' as const,
            role: 'assistant' as const,
            content: [{ type: 'text', text: 'Hello.' }],
            stop_reason: 'end_turn',
            usage: { input_tokens: 3, output_tokens: 1 },
          })
        },
      },
      { client: maskingGuardrail('Ada', '{NAME}') },
    )
    const body = {
      system: [{ type: 'text', text: 'Greet Ada.' }],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: '' },
            { type: 'text', text: 'I am Ada.' },
          ],
        },
        { role: 'assistant', content: 'Ada?' },
      ],
    }
    await guarded.create({ body }, target, context)
    expect(seen).toEqual([
      {
        system: [{ type: 'text', text: 'Greet {NAME}.' }],
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: '' },
              { type: 'text', text: 'I am {NAME}.' },
            ],
          },
          { role: 'assistant', content: 'Ada?' },
        ],
      },
    ])
    expect(interventions).toContain('input')
  })
})

describe('withMessagesInputTexts', () => {
  it('replaces the texts messagesInputTexts lists, in its order', () => {
    const body = { system: 'S', messages: [{ role: 'user', content: 'U' }], max_tokens: 5 }
    expect(withMessagesInputTexts(body, ['s', 'u'])).toEqual({
      system: 's',
      messages: [{ role: 'user', content: 'u' }],
      max_tokens: 5,
    })
  })
})

describe('a stream the guardrail only masked', () => {
  it('goes on with each window masked, the message ending as Claude ended it', async () => {
    const guarded = withMessagesGuardrail(backend(events), {
      client: maskingGuardrail('bad', '***'),
      windowChars: 10,
    })
    const out = await collect(guarded.stream(request, target, context))
    const texts = out.map((event) => (event.type === 'content_block_delta' ? event['delta'] : []))
    expect(JSON.stringify(out)).not.toContain('bad')
    expect(texts.flat()).toEqual([
      { type: 'text_delta', text: 'safe words ' },
      // The second window ('then bad ones') went on masked, as one delta.
      { type: 'text_delta', text: 'then *** ones' },
    ])
    expect(out.at(-2)).toEqual(events.at(-2))
  })
})

describe('withMaskedDeltas', () => {
  it('puts the masked text in the first text delta and drops the others', () => {
    expect(withMaskedDeltas([text(0, 'a b'), text(0, 'c')], 'a *')).toEqual([text(0, 'a *')])
  })
})
