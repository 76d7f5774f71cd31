// The Mantle guardrail wrapper without a guardrail: the inner stream goes through as it is, so
// that a route without a guardrail keeps the per-chunk push path (streaming/push-stream.ts).
import { describe, expect, it } from 'vitest'
import { parseChatCompletionRequest } from '../openai/chat-completions.ts'
import type { ChatBackend } from './chat-backend.ts'
import { withApplyGuardrail } from './mantle-guardrail.ts'

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
