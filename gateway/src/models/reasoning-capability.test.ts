import { describe, expect, it } from 'vitest'
import { modelFamilyOf } from './model-family.ts'
import {
  normaliseEffort,
  reasoningCapabilityOf,
  reasoningEfforts,
  type ReasoningEffort,
} from './reasoning-capability.ts'

const converse = (modelId: string) => reasoningCapabilityOf('converse', modelFamilyOf(modelId))
const mantle = (modelId: string) => reasoningCapabilityOf('mantle', modelFamilyOf(modelId))

const table = (capability: ReturnType<typeof converse>) =>
  Object.fromEntries(reasoningEfforts.map((e) => [e, normaliseEffort(e, capability) ?? 'dropped']))

describe('reasoning effort per backend and family', () => {
  it('gives Claude 3.7 – 4.5 on Converse every OpenAI effort, as a thinking budget', () => {
    const capability = converse('us.anthropic.claude-sonnet-4-5-20250929-v1:0')
    expect(capability.knob).toBe('budget')
    expect(table(capability)).toEqual({
      none: 'none',
      minimal: 'minimal',
      low: 'low',
      medium: 'medium',
      high: 'high',
      xhigh: 'xhigh',
    })
  })

  it('maps minimal to low on Claude 4.6+, which thinks adaptively', () => {
    const capability = converse('us.anthropic.claude-sonnet-4-6')
    expect(capability.knob).toBe('level')
    expect(normaliseEffort('minimal', capability)).toBe('low')
    expect(normaliseEffort('xhigh', capability)).toBe('xhigh')
  })

  it('keeps Nova 2 within none..high and gpt-oss within low..high', () => {
    expect(table(converse('us.amazon.nova-2-lite-v1:0'))).toEqual({
      none: 'none',
      minimal: 'low',
      low: 'low',
      medium: 'medium',
      high: 'high',
      xhigh: 'high',
    })
    const expected = {
      none: 'low',
      minimal: 'low',
      low: 'low',
      medium: 'medium',
      high: 'high',
      xhigh: 'high',
    }
    expect(table(converse('openai.gpt-oss-120b-1:0'))).toEqual(expected)
    expect(table(mantle('openai.gpt-oss-120b'))).toEqual(expected)
  })

  it("speaks Mantle's none|low|medium|high|xhigh to other Mantle models", () => {
    expect(table(mantle('openai.gpt-5.4'))).toEqual({
      none: 'none',
      minimal: 'low',
      low: 'low',
      medium: 'medium',
      high: 'high',
      xhigh: 'xhigh',
    })
  })

  it.each([
    'amazon.nova-lite-v1:0',
    'meta.llama3-70b-instruct-v1:0',
    'anthropic.claude-3-5-sonnet-20240620-v1:0',
    'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc',
  ])('drops any effort but none on %s, which cannot reason on request', (modelId) => {
    const capability = converse(modelId)
    expect(capability.knob).toBe('none')
    const asked: ReasoningEffort[] = ['minimal', 'low', 'high']
    expect(asked.map((e) => normaliseEffort(e, capability))).toEqual([
      undefined,
      undefined,
      undefined,
    ])
    expect(normaliseEffort('none', capability)).toBe('none')
  })
})
