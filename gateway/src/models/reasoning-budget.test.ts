import { describe, expect, it } from 'vitest'
import { planReasoningBudget } from './reasoning-budget.ts'
import type { ReasoningCapability } from './reasoning-capability.ts'

const budget: ReasoningCapability = {
  knob: 'budget',
  levels: ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'],
  accounting: 'inclusive',
}
const level: ReasoningCapability = {
  knob: 'level',
  levels: ['none', 'low', 'medium', 'high', 'xhigh'],
  accounting: 'inclusive',
}

describe('planReasoningBudget', () => {
  it('keeps the effort when its budget fits the share', () => {
    expect(
      planReasoningBudget({
        effort: 'high',
        capability: budget,
        maxTokens: 40_000,
        maxReasoningPercent: 50,
      }),
    ).toEqual({ ok: true, effort: 'high', maxTokens: 40_000 })
  })

  it('lowers the effort until reasoning takes at most its share of max tokens', () => {
    // 50 % of 10 000 = 5 000: high (16 384) and medium (8 192) do not fit, low (2 048) does.
    expect(
      planReasoningBudget({
        effort: 'high',
        capability: budget,
        maxTokens: 10_000,
        maxReasoningPercent: 50,
      }),
    ).toEqual({ ok: true, effort: 'low', maxTokens: 10_000 })
    expect(
      planReasoningBudget({
        effort: 'xhigh',
        capability: level,
        maxTokens: 10_000,
        maxReasoningPercent: 50,
      }),
    ).toEqual({ ok: true, effort: 'low', maxTokens: 10_000 })
  })

  it('lets a route give reasoning the whole budget but one token, at 100 %', () => {
    expect(
      planReasoningBudget({
        effort: 'medium',
        capability: budget,
        maxTokens: 8193,
        maxReasoningPercent: 100,
      }),
    ).toMatchObject({ effort: 'medium' })
    expect(
      planReasoningBudget({
        effort: 'medium',
        capability: budget,
        maxTokens: 8192,
        maxReasoningPercent: 100,
      }),
    ).toMatchObject({ effort: 'low' })
  })

  it('sizes max tokens when none was given, so visible output keeps its share', () => {
    expect(
      planReasoningBudget({
        effort: 'high',
        capability: budget,
        maxTokens: undefined,
        maxReasoningPercent: 50,
      }),
    ).toEqual({ ok: true, effort: 'high', maxTokens: 32_768 })
    expect(
      planReasoningBudget({
        effort: 'low',
        capability: budget,
        maxTokens: undefined,
        maxReasoningPercent: 25,
      }),
    ).toEqual({ ok: true, effort: 'low', maxTokens: 8192 })
    // A level family has no budget to size; its max stays the model's own.
    expect(
      planReasoningBudget({
        effort: 'high',
        capability: level,
        maxTokens: undefined,
        maxReasoningPercent: 50,
      }),
    ).toEqual({ ok: true, effort: 'high', maxTokens: undefined })
  })

  it('cannot honour a thinking budget below 1024 tokens, and says what max would', () => {
    expect(
      planReasoningBudget({
        effort: 'low',
        capability: budget,
        maxTokens: 1500,
        maxReasoningPercent: 50,
      }),
    ).toEqual({ ok: false, minimumMaxTokens: 2048 })
    // A level family falls back to its lowest reasoning level instead.
    expect(
      planReasoningBudget({
        effort: 'high',
        capability: level,
        maxTokens: 1500,
        maxReasoningPercent: 50,
      }),
    ).toEqual({ ok: true, effort: 'low', maxTokens: 1500 })
  })

  it('takes the reasoning share off the max of a family that counts visible output only', () => {
    expect(
      planReasoningBudget({
        effort: 'medium',
        capability: { ...level, accounting: 'visible-only' },
        maxTokens: 20_000,
        maxReasoningPercent: 50,
      }),
    ).toEqual({ ok: true, effort: 'medium', maxTokens: 20_000 - 8192 })
  })

  it('leaves none, and families that cannot reason, alone', () => {
    expect(
      planReasoningBudget({
        effort: 'none',
        capability: budget,
        maxTokens: 10,
        maxReasoningPercent: 50,
      }),
    ).toEqual({ ok: true, effort: 'none', maxTokens: 10 })
  })
})
