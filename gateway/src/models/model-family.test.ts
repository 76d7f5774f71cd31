import { describe, expect, it } from 'vitest'
import { claudeVersionOf, modelFamilyOf } from './model-family.ts'

describe('modelFamilyOf', () => {
  it.each([
    [
      'anthropic.claude-haiku-4-5-20251001-v1:0',
      undefined,
      { provider: 'anthropic', model: 'claude-haiku-4-5-20251001' },
    ],
    [
      'us.anthropic.claude-sonnet-4-6',
      undefined,
      { provider: 'anthropic', model: 'claude-sonnet-4-6' },
    ],
    [
      'global.anthropic.claude-opus-4-6-v1',
      undefined,
      { provider: 'anthropic', model: 'claude-opus-4-6' },
    ],
    ['eu.amazon.nova-2-lite-v1:0', undefined, { provider: 'amazon', model: 'nova-2-lite' }],
    ['amazon.nova-2-lite-v1:0:256k', undefined, { provider: 'amazon', model: 'nova-2-lite' }],
    ['openai.gpt-oss-120b-1:0', undefined, { provider: 'openai', model: 'gpt-oss-120b-1' }],
    ['us.deepseek.v3.2', undefined, { provider: 'deepseek', model: 'v3.2' }],
    [
      'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-7-sonnet-20250219-v1:0',
      undefined,
      { provider: 'anthropic', model: 'claude-3-7-sonnet-20250219' },
    ],
    [
      'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-pro-v1:0',
      undefined,
      { provider: 'amazon', model: 'nova-pro' },
    ],
    [
      'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abcd1234efgh',
      'anthropic.claude-opus-4-7',
      { provider: 'anthropic', model: 'claude-opus-4-7' },
    ],
  ])('reads %s (base %s)', (modelId, baseModelId, expected) => {
    expect(modelFamilyOf(modelId, baseModelId)).toEqual(expected)
  })

  it.each([
    'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abcd1234efgh',
    'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/xyz',
    'arn:aws:bedrock:us-east-1:123456789012:custom-model',
    'model',
  ])('cannot tell the family of %s', (modelId) => {
    expect(modelFamilyOf(modelId)).toBeUndefined()
  })
})

describe('claudeVersionOf', () => {
  it.each([
    ['claude-3-haiku-20240307', 3, 0],
    ['claude-3-5-sonnet-20240620', 3, 5],
    ['claude-3-7-sonnet-20250219', 3, 7],
    ['claude-sonnet-4-20250514', 4, 0],
    ['claude-opus-4-1-20250805', 4, 1],
    ['claude-sonnet-4-5-20250929', 4, 5],
    ['claude-opus-4-6', 4, 6],
    ['claude-opus-4-7', 4, 7],
    ['claude-mythos-5', 5, 0],
  ])('reads %s as %i.%i', (model, major, minor) => {
    expect(claudeVersionOf({ provider: 'anthropic', model })).toEqual({ major, minor })
  })

  it('knows no version outside Anthropic', () => {
    expect(claudeVersionOf({ provider: 'amazon', model: 'nova-2-lite' })).toBeUndefined()
  })
})
