import { ConverseCommand } from '@aws-sdk/client-bedrock-runtime'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEmulatorClient, type EmulatorClient } from './emulator-client.ts'
import { startEmulator, type Emulator } from './emulator.ts'
import { sigv4Client, userSays } from './sdk-clients.ts'

let emulator: Emulator
let control: EmulatorClient

beforeAll(async () => {
  emulator = await startEmulator()
  control = createEmulatorClient(`${emulator.url}/`)
})
afterAll(async () => {
  await emulator.close()
})

describe('control API over HTTP', () => {
  it('scripts, lists pending scenarios, records, and resets', async () => {
    await control.script({ times: 2, scenario: { reply: { text: 'scripted' } } })
    expect(await control.pendingScenarios()).toEqual([
      { times: 2, scenario: { reply: { text: 'scripted' } } },
    ])

    const out = await sigv4Client(emulator.url).send(
      new ConverseCommand({ modelId: 'm', messages: userSays('hi') }),
    )
    expect(out.output?.message?.content).toEqual([{ text: 'scripted' }])

    const requests = await control.requests()
    expect(requests).toHaveLength(1)
    expect(requests[0]).toMatchObject({
      operation: 'converse',
      modelId: 'm',
      auth: { kind: 'sigv4' },
    })
    expect((await control.pendingScenarios())[0]?.times).toBe(1)

    await control.reset()
    expect(await control.requests()).toEqual([])
    expect(await control.pendingScenarios()).toEqual([])
  })

  it('resets created resources too, keeping only the default project', async () => {
    const headers = { authorization: 'Bearer k' }
    const projects = `${emulator.url}/v1/organization/projects`
    await fetch(projects, { method: 'POST', headers, body: JSON.stringify({ name: 'p' }) })
    await control.reset()
    const listed = (await (await fetch(projects, { headers })).json()) as { data: { id: string }[] }
    expect(listed.data.map((project) => project.id)).toEqual(['default'])
  })

  it('rejects a malformed scenario with 400 and the reason', async () => {
    await expect(
      control.script({
        scenario: { fault: { kind: 'error', exception: 'NoSuchException' } },
      } as never),
    ).rejects.toThrow(/failed with 400: .*exception/)
  })

  it('answers and records an unknown route as UnknownOperationException', async () => {
    await control.reset()
    const response = await fetch(`${emulator.url}/model/m/invoke-with-bidirectional-stream`, {
      method: 'POST',
      body: '{"a":1}',
    })
    expect(response.status).toBe(404)
    expect(response.headers.get('x-amzn-errortype')).toBe('UnknownOperationException')
    expect(await response.json()).toEqual({
      message: 'No route for POST /model/m/invoke-with-bidirectional-stream',
    })
    expect(await control.requests()).toMatchObject([
      {
        operation: 'unknown',
        path: '/model/m/invoke-with-bidirectional-stream',
        body: { a: 1 },
        auth: { kind: 'none' },
      },
    ])
  })

  it('sends the AWS error wire form', async () => {
    await control.script({
      scenario: { fault: { kind: 'error', exception: 'ModelErrorException', message: 'boom' } },
    })
    const response = await fetch(`${emulator.url}/model/m/converse`, {
      method: 'POST',
      body: JSON.stringify({ messages: userSays('hi') }),
    })
    expect(response.status).toBe(424)
    expect(response.headers.get('content-type')).toBe('application/json')
    expect(response.headers.get('x-amzn-errortype')).toBe('ModelErrorException')
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/)
    expect(await response.json()).toEqual({ message: 'boom' })
  })
})

describe('a project that vanishes', () => {
  it('answers 404 on every call once forgotten, as for an id that never existed', async () => {
    const headers = { authorization: 'Bearer test-key', 'content-type': 'application/json' }
    const projects = `${emulator.url}/v1/organization/projects`
    const created = (await (
      await fetch(projects, { method: 'POST', headers, body: JSON.stringify({ name: 'Gone' }) })
    ).json()) as { id: string }
    await control.forgetProject(created.id)
    expect((await fetch(`${projects}/${created.id}`, { headers })).status).toBe(404)
    const update = await fetch(`${projects}/${created.id}`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ add_tags: { a: 'b' } }),
    })
    expect(update.status).toBe(404)
    await expect(control.forgetProject(created.id)).rejects.toThrow(/404/)
  })
})
