import { describe, expect, it } from 'vitest'
import { GatewayError } from '../../errors/gateway-error.ts'
import { modelFamilyOf } from '../../models/model-family.ts'
import { reasoningFieldsFor, type ReasoningEffort, type ReasoningFields } from './reasoning.ts'

const budget = (tokens: number): ReasoningFields => ({
  additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: tokens } },
  budgetTokens: tokens,
})
const adaptive = (effort: string): ReasoningFields => ({
  additionalModelRequestFields: { thinking: { type: 'adaptive' } },
  effort,
})
const nova = (effort: string): ReasoningFields => ({
  additionalModelRequestFields: {
    reasoningConfig: { type: 'enabled', maxReasoningEffort: effort },
  },
})
const refused = 'refused'

const table: [string, ReasoningEffort, ReasoningFields | typeof refused][] = [
  ['us.anthropic.claude-3-7-sonnet-20250219-v1:0', 'minimal', budget(1024)],
  ['anthropic.claude-sonnet-4-5-20250929-v1:0', 'low', budget(2048)],
  ['anthropic.claude-opus-4-1-20250805-v1:0', 'medium', budget(8192)],
  ['anthropic.claude-haiku-4-5-20251001-v1:0', 'high', budget(16384)],
  ['anthropic.claude-sonnet-4-5-20250929-v1:0', 'xhigh', budget(32768)],
  ['anthropic.claude-sonnet-4-5-20250929-v1:0', 'none', {}],
  ['us.anthropic.claude-sonnet-4-6', 'minimal', adaptive('low')],
  ['us.anthropic.claude-sonnet-4-6', 'high', adaptive('high')],
  ['global.anthropic.claude-opus-4-6-v1', 'xhigh', adaptive('max')],
  ['anthropic.claude-opus-4-7', 'xhigh', adaptive('xhigh')],
  ['anthropic.claude-opus-4-7', 'none', {}],
  ['anthropic.claude-3-5-sonnet-20240620-v1:0', 'high', refused],
  ['anthropic.claude-3-5-sonnet-20240620-v1:0', 'none', {}],
  ['us.amazon.nova-2-lite-v1:0', 'low', nova('low')],
  ['us.amazon.nova-2-lite-v1:0', 'high', nova('high')],
  ['us.amazon.nova-2-lite-v1:0', 'none', {}],
  ['us.amazon.nova-2-lite-v1:0', 'xhigh', refused],
  ['us.amazon.nova-pro-v1:0', 'medium', refused],
  [
    'openai.gpt-oss-120b-1:0',
    'medium',
    { additionalModelRequestFields: { reasoning_effort: 'medium' } },
  ],
  ['openai.gpt-oss-20b-1:0', 'minimal', refused],
  ['openai.gpt-oss-20b-1:0', 'none', refused],
  ['cohere.command-r-v1:0', 'low', refused],
  ['cohere.command-r-v1:0', 'none', {}],
]

describe('reasoning_effort per family', () => {
  it.each(table)('%s with %s', (modelId, effort, expected) => {
    const run = () => reasoningFieldsFor(modelFamilyOf(modelId), effort)
    if (expected === refused) {
      expect(run).toThrow(GatewayError)
      expect(run).toThrow(/reasoning_effort/)
    } else expect(run()).toEqual(expected)
  })
})
