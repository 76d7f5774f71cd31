import { ConverseCommand } from '@aws-sdk/client-bedrock-runtime'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEmulatorClient, type EmulatorClient } from './emulator-client.ts'
import { startEmulator, type Emulator } from './emulator.ts'
import { behaviourSchema, scenarioOf } from './model-behaviours.ts'
import { sigv4Client, userSays } from './sdk-clients.ts'

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
