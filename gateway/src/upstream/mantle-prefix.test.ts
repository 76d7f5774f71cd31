import { describe, expect, it } from 'vitest'
import { mantlePrefixFor } from './mantle-prefix.ts'

describe('mantlePrefixFor', () => {
  it.each([
    ['openai.gpt-oss-120b', '/v1'],
    ['openai.gpt-oss-safeguard-20b', '/v1'],
    ['qwen.qwen3-coder-480b-a35b-instruct', '/v1'],
    ['deepseek.v3.2', '/v1'],
    ['google.gemma-3-27b', '/v1'],
    ['openai.gpt-5.4', '/openai/v1'],
    ['openai.gpt-5.6-luna', '/openai/v1'],
    ['google.gemma-4-31b', '/openai/v1'],
    ['google.gemma-4-26b-a4b', '/openai/v1'],
    ['xai.grok-4.3', '/openai/v1'],
  ])('serves %s under %s', (modelId, prefix) => {
    expect(mantlePrefixFor(modelId)).toBe(prefix)
  })
})
