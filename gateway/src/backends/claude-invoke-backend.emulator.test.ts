// The Claude Messages backend, lean client included, against the project's Bedrock emulator
// (test/emulator), which speaks InvokeModel's JSON and InvokeModelWithResponseStream's event
// stream of base64 chunks.
import { describe, expect, it } from 'vitest'
import { useEmulatorClient } from '../../test-support/emulator-client.ts'
import { createClaudeInvokeClient } from '../upstream/claude-invoke-client.ts'
import type { BackendTarget } from './backend-target.ts'
import { createClaudeInvokeBackend } from './claude-invoke-backend.ts'
import type { MessagesCallContext } from './messages-backend.ts'

const use = useEmulatorClient(createClaudeInvokeClient)

const target: BackendTarget = {
  kind: 'converse',
  modelId: 'us.anthropic.claude-sonnet-4-6',
  region: 'us-east-1',
}
const body = {
  anthropic_version: 'bedrock-2023-05-31',
  max_tokens: 64,
  messages: [{ role: 'user', content: 'Hello' }],
}
const backend = () =>
  createClaudeInvokeBackend({
    client: use.client,
    countTokens: { countTokens: () => Promise.resolve(0), close: () => undefined },
  })

describe('Claude backend against the emulator', () => {
  it("tells Claude's stop_reason once and passes model_context_window_exceeded through to the client", async () => {
    const heard: string[] = []
    const context: MessagesCallContext = {
      model: 'sonnet',
      signal: new AbortController().signal,
      onStopReason: (reason) => heard.push(reason),
    }
    const scenario = {
      reply: { text: 'Cut off here', stopReason: 'model_context_window_exceeded' as const },
      chunkSize: 3,
    }
    use.emulator.script({ scenario })
    const message = await backend().create({ body }, target, context)
    expect(message).toMatchObject({ model: 'sonnet', stop_reason: 'model_context_window_exceeded' })
    expect(heard).toEqual(['model_context_window_exceeded'])

    use.emulator.script({ scenario })
    const events = await Array.fromAsync(backend().stream({ body }, target, context))
    expect(events.find((event) => event.type === 'message_delta')).toMatchObject({
      delta: { stop_reason: 'model_context_window_exceeded' },
    })
    expect(heard).toEqual(['model_context_window_exceeded', 'model_context_window_exceeded'])
  })

  it('streams and answers without a listener', async () => {
    const context: MessagesCallContext = { model: 'sonnet', signal: new AbortController().signal }
    use.emulator.script({ scenario: { reply: { text: 'Fine' } } })
    await expect(backend().create({ body }, target, context)).resolves.toMatchObject({
      stop_reason: 'end_turn',
    })
    const events = await Array.fromAsync(backend().stream({ body }, target, context))
    expect(events.at(-1)).toMatchObject({ type: 'message_stop' })
  })
})
