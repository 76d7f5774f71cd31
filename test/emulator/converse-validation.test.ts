import { describe, expect, it } from 'vitest'
import { validateConverseRequest } from './converse-validation.ts'

const user = (text: string) => ({ role: 'user', content: [{ text }] })
const assistant = (text: string) => ({ role: 'assistant', content: [{ text }] })
const toolUse = {
  role: 'assistant',
  content: [{ toolUse: { toolUseId: 't', name: 'f', input: {} } }],
}
const toolResult = { role: 'user', content: [{ toolResult: { toolUseId: 't', content: [] } }] }

describe('validateConverseRequest', () => {
  it.each([
    { name: 'one user turn', body: { messages: [user('hi')] } },
    {
      name: 'alternating turns ending on assistant prefill',
      body: { messages: [user('a'), assistant('b')] },
    },
    {
      name: 'tool turns with toolConfig',
      body: { messages: [user('a'), toolUse, toolResult], toolConfig: { tools: [] } },
    },
    {
      name: 'limits at their bounds',
      body: { messages: [user('a')], inferenceConfig: { maxTokens: 1, temperature: 0, topP: 1 } },
    },
  ])('accepts $name', ({ body }) => {
    expect(validateConverseRequest(body)).toMatchObject({ ok: true })
  })

  it.each([
    { name: 'a body that is not an object', body: 'nope', message: /^Malformed input request/ },
    { name: 'no messages', body: {}, message: /^A conversation must start with a user message\./ },
    { name: 'empty messages', body: { messages: [] }, message: /must start with a user message/ },
    {
      name: 'assistant first',
      body: { messages: [assistant('a')] },
      message: /must start with a user message/,
    },
    {
      name: 'two user turns',
      body: { messages: [user('a'), user('b')] },
      message: /must alternate/,
    },
    {
      name: 'two assistant turns',
      body: { messages: [user('a'), assistant('b'), assistant('c')] },
      message: /must alternate/,
    },
    {
      name: 'toolResult without toolConfig',
      body: { messages: [user('a'), toolUse, toolResult] },
      message:
        /^The toolConfig field must be defined when using toolUse and toolResult content blocks\.$/,
    },
    {
      name: 'an empty content block',
      body: { messages: [{ role: 'user', content: [{}] }] },
      message: /at 'messages\.1\.member\.content\.1\.member' .*exactly one field set/,
    },
    {
      name: 'a content block with two members',
      body: { messages: [{ role: 'user', content: [{ text: 'a', image: {} }] }] },
      message: /exactly one field set/,
    },
    {
      name: 'an unknown role',
      body: { messages: [{ role: 'system', content: [{ text: 'a' }] }] },
      message: /Value 'system' at 'messages\.1\.member\.role'/,
    },
    {
      name: 'temperature above 1',
      body: { messages: [user('a')], inferenceConfig: { temperature: 1.5 } },
      message:
        /^1 validation error detected: Value '1\.5' at 'inferenceConfig\.temperature' failed to satisfy constraint: Member must have value less than or equal to 1$/,
    },
    {
      name: 'negative topP',
      body: { messages: [user('a')], inferenceConfig: { topP: -0.1 } },
      message: /'inferenceConfig\.topP' .*greater than or equal to 0/,
    },
    {
      name: 'maxTokens of 0 and temperature 2 together',
      body: { messages: [user('a')], inferenceConfig: { maxTokens: 0, temperature: 2 } },
      message: /^2 validation errors detected: .*maxTokens.*; .*temperature/,
    },
  ])('rejects $name', ({ body, message }) => {
    const result = validateConverseRequest(body)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.message).toMatch(message)
  })
})
