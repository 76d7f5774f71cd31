import { describe, expect, it } from 'vitest'
import { closedRecord } from '../../test-support/record-fixtures.ts'
import {
  defaultPriceTable,
  estimateCostUsd,
  findPrice,
  normaliseModelId,
  parsePriceTable,
  recordCostUsd,
  withOverrides,
} from './cost.ts'
import type { TokenUsage } from './token-usage.ts'

const million = (fields: Partial<TokenUsage>): TokenUsage => ({
  input: 0,
  output: 0,
  cachedInput: 0,
  cacheCreationInput: 0,
  reasoning: 0,
  ...fields,
})

describe('normaliseModelId', () => {
  it.each([
    ['us.anthropic.claude-sonnet-4-6', 'anthropic.claude-sonnet-4-6'],
    ['eu.amazon.nova-lite-v1:0', 'amazon.nova-lite-v1:0'],
    ['global.anthropic.claude-haiku-4-5-20251001-v1:0', 'anthropic.claude-haiku-4-5-20251001-v1:0'],
    [
      'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-pro-v1:0',
      'amazon.nova-pro-v1:0',
    ],
    [
      'arn:aws:bedrock:us-east-1::foundation-model/openai.gpt-oss-20b-1:0',
      'openai.gpt-oss-20b-1:0',
    ],
    ['Amazon.Titan-Embed-Text-V2:0', 'amazon.titan-embed-text-v2:0'],
  ])('%s → %s', (modelId, normalised) => {
    expect(normaliseModelId(modelId)).toBe(normalised)
  })
})

describe('estimateCostUsd', () => {
  it('prices a million tokens of each kind at the table price', () => {
    const sonnet = 'us.anthropic.claude-sonnet-4-6'
    expect(estimateCostUsd(million({ input: 1e6 }), sonnet, defaultPriceTable)).toBeCloseTo(3)
    expect(estimateCostUsd(million({ output: 1e6 }), sonnet, defaultPriceTable)).toBeCloseTo(15)
    expect(estimateCostUsd(million({ cachedInput: 1e6 }), sonnet, defaultPriceTable)).toBeCloseTo(
      0.3,
    )
    expect(
      estimateCostUsd(million({ cacheCreationInput: 1e6 }), sonnet, defaultPriceTable),
    ).toBeCloseTo(3.75)
  })

  it('does not bill reasoning twice: it is part of output', () => {
    const usage = million({ output: 1e6, reasoning: 4e5 })
    expect(estimateCostUsd(usage, 'openai.gpt-oss-120b', defaultPriceTable)).toBeCloseTo(0.6)
  })

  it.each([
    ['amazon.nova-micro-v1:0', 0.035, 0.14],
    ['us.amazon.nova-lite-v1:0', 0.06, 0.24],
    ['amazon.nova-pro-v1:0', 0.8, 3.2],
    ['openai.gpt-oss-20b-1:0', 0.07, 0.3],
    ['us.anthropic.claude-haiku-4-5-20251001-v1:0', 1, 5],
    ['anthropic.claude-opus-4-1-20250805-v1:0', 15, 75],
    ['global.anthropic.claude-opus-4-5-20251101-v1:0', 5, 25],
    ['us.meta.llama3-3-70b-instruct-v1:0', 0.72, 0.72],
    ['mistral.mistral-large-2407-v1:0', 2, 6],
    ['amazon.titan-embed-text-v2:0', 0.02, 0],
    ['cohere.embed-v4:0', 0.12, 0],
  ])('%s costs $%d in and $%d out per million', (modelId, input, output) => {
    expect(estimateCostUsd(million({ input: 1e6 }), modelId, defaultPriceTable)).toBeCloseTo(input)
    expect(estimateCostUsd(million({ output: 1e6 }), modelId, defaultPriceTable)).toBeCloseTo(
      output,
    )
  })

  it('prices Nova cache reads at a quarter of input', () => {
    const usage = million({ cachedInput: 1e6 })
    expect(estimateCostUsd(usage, 'amazon.nova-pro-v1:0', defaultPriceTable)).toBeCloseTo(0.2)
  })

  it('is undefined for a model without a price, and for an opaque application profile', () => {
    expect(estimateCostUsd(million({ input: 5 }), 'acme.model', defaultPriceTable)).toBeUndefined()
    const opaque = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3'
    expect(estimateCostUsd(million({ input: 5 }), opaque, defaultPriceTable)).toBeUndefined()
  })

  it('prefers the longest matching prefix', () => {
    expect(findPrice('anthropic.claude-opus-4-5-x', defaultPriceTable)?.input).toBe(5)
    expect(findPrice('anthropic.claude-opus-4-x', defaultPriceTable)?.input).toBe(15)
  })
})

describe('recordCostUsd', () => {
  it('falls back to the backend family when the model id is an opaque profile ARN', () => {
    const backend = {
      kind: 'converse' as const,
      modelId: 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3',
      family: 'amazon.nova-lite',
      region: 'us-east-1',
      weight: 1,
      priority: 0,
    }
    const record = closedRecord({ backend, usage: million({ input: 1e6 }) })
    expect(recordCostUsd(record, defaultPriceTable)).toBeCloseTo(0.06)
  })

  it('is undefined without usage', () => {
    expect(recordCostUsd(closedRecord({ usage: undefined }), defaultPriceTable)).toBeUndefined()
  })
})

describe('price table overrides', () => {
  it('puts file entries before the defaults, so a negotiated price wins', () => {
    const table = withOverrides(
      parsePriceTable(
        '{"models":[{"match":"anthropic.claude-sonnet-4","input":2,"output":10}]}',
        'p.json',
      ),
    )
    expect(estimateCostUsd(million({ input: 1e6 }), 'us.anthropic.claude-sonnet-4-6', table)).toBe(
      2,
    )
    expect(estimateCostUsd(million({ input: 1e6 }), 'amazon.nova-lite-v1:0', table)).toBeCloseTo(
      0.06,
    )
  })

  it('replaces the defaults when asked', () => {
    const table = withOverrides(
      parsePriceTable(
        '{"replaceDefaults":true,"models":[{"match":"x.y","input":1,"output":1}]}',
        'p',
      ),
    )
    expect(estimateCostUsd(million({ input: 1 }), 'amazon.nova-lite-v1:0', table)).toBeUndefined()
  })

  it('refuses a bad file naming the field', () => {
    expect(() =>
      parsePriceTable('{"models":[{"match":"x","input":-1,"output":1}]}', 'prices.json'),
    ).toThrow(/prices\.json[\s\S]*input/)
    expect(() => parsePriceTable('{"models":[{"match":"x","inptu":1}]}', 'prices.json')).toThrow(
      /prices\.json/,
    )
    expect(() => parsePriceTable('not json', 'prices.json')).toThrow(/prices\.json: not JSON/)
  })
})
