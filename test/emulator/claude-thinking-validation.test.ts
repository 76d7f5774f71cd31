import { describe, expect, it } from 'vitest'
import { validateConverseRequest } from './converse-validation.ts'

const thinking = (budget: unknown, maxTokens?: number) => ({
  messages: [{ role: 'user', content: [{ text: 'hi' }] }],
  ...(maxTokens === undefined ? {} : { inferenceConfig: { maxTokens } }),
  additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: budget } },
})

describe('Claude extended thinking on Converse', () => {
  it('accepts a budget of at least 1024 below max tokens, and adaptive thinking', () => {
    expect(validateConverseRequest(thinking(1024, 1025))).toMatchObject({ ok: true })
    expect(validateConverseRequest(thinking(8192))).toMatchObject({ ok: true })
    expect(
      validateConverseRequest({
        messages: [{ role: 'user', content: [{ text: 'hi' }] }],
        additionalModelRequestFields: { thinking: { type: 'adaptive' } },
      }),
    ).toMatchObject({ ok: true })
  })

  it('refuses a budget below 1024 or not below max tokens, as the model does', () => {
    expect(validateConverseRequest(thinking(1000, 4000))).toEqual({
      ok: false,
      message:
        'The model returned the following errors: thinking.enabled.budget_tokens: Input should be greater than or equal to 1024',
    })
    expect(validateConverseRequest(thinking(2048, 2048))).toMatchObject({
      ok: false,
      message: expect.stringContaining(
        '`max_tokens` must be greater than `thinking.budget_tokens`',
      ) as string,
    })
    expect(validateConverseRequest(thinking(undefined))).toMatchObject({ ok: false })
  })
})
