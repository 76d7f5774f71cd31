import {
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
} from '@aws-sdk/client-bedrock-runtime'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEmulatorClient, type EmulatorClient } from './emulator-client.ts'
import { startEmulator, type Emulator } from './emulator.ts'
import { behaviourSchema, scenarioOf } from './model-behaviours.ts'
import { collectStream, sigv4Client, userSays } from './sdk-clients.ts'

let emulator: Emulator
let control: EmulatorClient

beforeAll(async () => {
  emulator = await startEmulator()
  control = createEmulatorClient(emulator.url)
})
afterAll(async () => {
  await emulator.close()
})

describe('scenarioOf', () => {
  it('fails a draw below the error share and answers the rest as scripted', () => {
    const behaviour = behaviourSchema.parse({
      errorPercent: 25,
      firstTokenDelayMs: 300,
      stopReason: 'malformed_tool_use',
      outputTokens: 7,
    })
    expect(scenarioOf(behaviour, 0.2).fault).toMatchObject({
      kind: 'error',
      exception: 'InternalServerException',
    })
    expect(scenarioOf(behaviour, 0.3)).toEqual({
      reply: { stopReason: 'malformed_tool_use', usage: { outputTokens: 7 } },
      firstTokenDelayMs: 300,
    })
  })
})

describe('standing behaviour over the control API', () => {
  it('keeps failing one model, leaves others alone, and heals with {}', async () => {
    await control.behave('bad-model', { errorPercent: 100 })
    const client = sigv4Client(emulator.url)
    const ask = (modelId: string) =>
      client.send(new ConverseCommand({ modelId, messages: userSays('hi') }))
    for (let index = 0; index < 3; index += 1)
      await expect(ask('bad-model')).rejects.toMatchObject({ name: 'InternalServerException' })
    await expect(ask('good-model')).resolves.toMatchObject({ stopReason: 'end_turn' })
    await control.behave('bad-model', {})
    await expect(ask('bad-model')).resolves.toMatchObject({ stopReason: 'end_turn' })
  })

  it('answers with the scripted stop reason and token counts', async () => {
    await control.behave('tool-model', { stopReason: 'malformed_tool_use', outputTokens: 3 })
    const answer = await sigv4Client(emulator.url).send(
      new ConverseCommand({ modelId: 'tool-model', messages: userSays('hi') }),
    )
    expect(answer.stopReason).toBe('malformed_tool_use')
    expect(answer.usage?.outputTokens).toBe(3)
  })

  it('ends Converse, ConverseStream and Claude InvokeModel answers when the context window fills', async () => {
    const claude = 'us.anthropic.claude-sonnet-4-6'
    await control.behave(claude, { stopReason: 'model_context_window_exceeded' })
    const client = sigv4Client(emulator.url)
    const converse = await client.send(
      new ConverseCommand({ modelId: claude, messages: userSays('hi') }),
    )
    expect(converse.stopReason).toBe('model_context_window_exceeded')
    const converseStream = await client.send(
      new ConverseStreamCommand({ modelId: claude, messages: userSays('hi') }),
    )
    const events = await collectStream(converseStream.stream)
    expect(events.find((e) => e.type === 'messageStop')?.value).toEqual({
      stopReason: 'model_context_window_exceeded',
    })
    const body = JSON.stringify({
      anthropic_version: 'bedrock-2023-05-31',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'hi' }],
    })
    const invoked = await client.send(
      new InvokeModelCommand({ modelId: claude, contentType: 'application/json', body }),
    )
    expect(JSON.parse(new TextDecoder().decode(invoked.body))).toMatchObject({
      stop_reason: 'model_context_window_exceeded',
    })
    const streamed = await client.send(
      new InvokeModelWithResponseStreamCommand({
        modelId: claude,
        contentType: 'application/json',
        body,
      }),
    )
    const deltas: unknown[] = []
    for await (const part of streamed.body ?? []) {
      if (part.chunk?.bytes === undefined) continue
      const event = JSON.parse(new TextDecoder().decode(part.chunk.bytes)) as {
        type: string
        delta?: unknown
      }
      if (event.type === 'message_delta') deltas.push(event.delta)
    }
    expect(deltas).toEqual([{ stop_reason: 'model_context_window_exceeded', stop_sequence: null }])
    await control.behave(claude, {})
  })

  it('refuses a behaviour that does not parse, saying why', async () => {
    const response = await fetch(`${emulator.url}/__emulator/behaviours`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ modelId: 'x', behaviour: { errorPercent: 200 } }),
    })
    expect(response.status).toBe(400)
    expect(await response.text()).toContain('errorPercent')
  })
})
