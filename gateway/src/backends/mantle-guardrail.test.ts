// The Mantle guardrail wrapper without a guardrail: the inner stream goes through as it is, so
// that a route without a guardrail keeps the per-chunk push path (streaming/push-stream.ts).
import { describe, expect, it } from 'vitest'
import { maskingGuardrail } from '../../test-support/guardrail-fakes.ts'
import { parseChatCompletionRequest } from '../openai/chat-completions.ts'
import type { ChatBackend } from './chat-backend.ts'
import { withApplyGuardrail, withMaskedText } from './mantle-guardrail.ts'

describe('withApplyGuardrail without a guardrail', () => {
  it('hands the inner stream over as it is', () => {
    const own: AsyncIterable<never> = {
      [Symbol.asyncIterator]: () => ({ next: () => new Promise(() => undefined) }),
    }
    const inner: ChatBackend = {
      complete: () => Promise.reject(new Error('not used')),
      stream: () => own,
    }
    const wrapped = withApplyGuardrail(inner, {
      client: {
        apply: () => Promise.reject(new Error('not used')),
        close: () => Promise.resolve(),
      },
    })
    const request = parseChatCompletionRequest({
      model: 'm',
      stream: true,
      messages: [{ role: 'user', content: 'Hi' }],
    })
    const stream = wrapped.stream(
      request,
      { kind: 'mantle', modelId: 'openai.gpt-oss-120b', region: 'us-west-2' },
      { id: 'chatcmpl-1', created: 1, model: 'm', signal: new AbortController().signal },
    )
    expect(stream).toBe(own)
  })
})

describe('withApplyGuardrail on an input the guardrail only masked', () => {
  it('sends the masked question to the model instead of refusing it', async () => {
    const seen: unknown[] = []
    const inner: ChatBackend = {
      complete: (request) => {
        seen.push(request.messages)
        return Promise.resolve({
          id: 'chatcmpl-1',
          object: 'chat.completion',
          created: 1,
          model: 'm',
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: 'Hello.', refusal: null },
              finish_reason: 'stop',
              logprobs: null,
            },
          ],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        })
      },
      stream: () => {
        throw new Error('not used')
      },
    }
    const directions: string[] = []
    const wrapped = withApplyGuardrail(inner, { client: maskingGuardrail('Ada', '{NAME}') })
    const request = parseChatCompletionRequest({
      model: 'm',
      messages: [
        { role: 'system', content: 'Greet Ada.' },
        { role: 'user', content: [{ type: 'text', text: 'I am Ada.' }] },
        { role: 'assistant', content: 'Ada?' },
      ],
    })
    const completion = await wrapped.complete(
      request,
      {
        kind: 'mantle',
        modelId: 'openai.gpt-oss-120b',
        region: 'us-west-2',
        guardrail: {
          identifier: 'gr1',
          version: '1',
          onIntervention: (direction) => directions.push(direction),
        },
      },
      { id: 'chatcmpl-1', created: 1, model: 'm', signal: new AbortController().signal },
    )
    expect(completion.choices[0]?.message.content).toBe('Hello.')
    expect(seen).toEqual([
      [
        { role: 'system', content: 'Greet {NAME}.' },
        { role: 'user', content: [{ type: 'text', text: 'I am {NAME}.' }] },
        { role: 'assistant', content: 'Ada?' },
      ],
    ])
    expect(directions).toEqual(['input'])
  })
})

describe('withMaskedText', () => {
  const chunk = (delta: Record<string, unknown>, finish: 'stop' | null = null) => ({
    id: 'c',
    object: 'chat.completion.chunk' as const,
    created: 1,
    model: 'm',
    choices: [{ index: 0, delta, finish_reason: finish }],
  })

  it("puts a window's masked text in its first text chunk and keeps role and finish", () => {
    const out = withMaskedText(
      [
        chunk({ role: 'assistant', content: '' }),
        chunk({ content: 'I am ' }),
        chunk({ content: 'Ada.' }),
        chunk({}, 'stop'),
      ],
      'I am {NAME}.',
    )
    expect(out.map((item) => [item.choices[0]?.delta, item.choices[0]?.finish_reason])).toEqual([
      [{ role: 'assistant', content: '' }, null],
      [{ content: 'I am {NAME}.' }, null],
      [{}, 'stop'],
    ])
  })
})
