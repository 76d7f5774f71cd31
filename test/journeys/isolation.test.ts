// Tenant isolation: a key for project A never reaches project B's routes, on any endpoint, and
// never sees them in /v1/models; the answer is the one OpenAI gives for a model the key cannot
// use (404 model_not_found), so it does not even confirm that B's alias exists. Keys and the
// Authorization header never appear in the gateway's logs.
import { createHash } from 'node:crypto'
import { rm } from 'node:fs/promises'
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEmulatorClient } from '../emulator/emulator-client.ts'
import {
  fromLog,
  makeWorkDirectory,
  startEmulatorProcess,
  startGatewayProcess,
  type RunningProcess,
} from '../support/processes.ts'

const KEY_A = 'sk-strata-isolation-alpha-0123456789abcdef'
const KEY_B = 'sk-strata-isolation-bravo-0123456789abcdef'
const sha256 = (key: string): string => createHash('sha256').update(key).digest('hex')

function project(name: string, key: string, prefix: string) {
  const route = (alias: string, kind: 'converse' | 'mantle', modelId: string) => ({
    name: alias,
    namespace: name,
    model: alias,
    backends: [{ kind, modelId, region: 'us-east-1' }],
  })
  return {
    name,
    namespace: name,
    projectId: `proj_${name}`,
    keys: [{ sha256: sha256(key) }],
    routes: [
      route(`${prefix}-chat`, 'converse', 'us.anthropic.claude-sonnet-4-6'),
      route(`${prefix}-mantle`, 'mantle', 'openai.gpt-oss-120b'),
      route(`${prefix}-embed`, 'converse', 'amazon.titan-embed-text-v2:0'),
    ],
  }
}

const table = {
  apiVersion: 'strata.dev/v1alpha1',
  kind: 'RoutingTable',
  version: 1,
  generatedAt: new Date().toISOString(),
  projects: [
    project('alpha', KEY_A, 'a'),
    project('bravo', KEY_B, 'b'),
    {
      // A project with the same alias as alpha's: the alias resolves in the caller's project only.
      name: 'charlie',
      namespace: 'charlie',
      projectId: 'proj_charlie',
      keys: [{ sha256: sha256('sk-strata-isolation-charlie') }],
      routes: [
        {
          name: 'shared',
          namespace: 'charlie',
          model: 'a-chat',
          backends: [{ kind: 'mantle', modelId: 'openai.gpt-oss-120b', region: 'us-east-1' }],
        },
      ],
    },
  ],
}

let workDirectory: string
let emulator: RunningProcess
let gateway: RunningProcess
let alpha: OpenAI

beforeAll(async () => {
  workDirectory = await makeWorkDirectory('isolation')
  emulator = await startEmulatorProcess(workDirectory)
  gateway = await startGatewayProcess({ workDirectory, table, emulatorUrl: emulator.url })
  alpha = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: KEY_A, maxRetries: 0 })
})

afterAll(async () => {
  await Promise.all([gateway.stop(), emulator.stop()])
  await rm(workDirectory, { recursive: true, force: true })
})

async function refusal(
  call: Promise<unknown>,
): Promise<{ status: number | undefined; code: unknown }> {
  const error: unknown = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(OpenAI.APIError)
  const { status, code } = error as InstanceType<typeof OpenAI.APIError>
  return { status, code }
}

const notFound = { status: 404, code: 'model_not_found' }

describe("a key of project A and project B's routes", () => {
  it('lists only its own aliases, and cannot retrieve B ones', async () => {
    const models = await alpha.models.list()
    expect(models.data.map((model) => model.id).sort()).toEqual(['a-chat', 'a-embed', 'a-mantle'])
    expect(models.data.every((model) => model.owned_by === 'alpha')).toBe(true)
    for (const alias of ['b-chat', 'b-mantle', 'b-embed']) {
      expect(await refusal(alpha.models.retrieve(alias))).toEqual(notFound)
    }
  })

  it('gets 404 model_not_found from chat, responses and embeddings for B aliases', async () => {
    const messages = [{ role: 'user' as const, content: 'hello' }]
    for (const model of ['b-chat', 'b-mantle']) {
      expect(await refusal(alpha.chat.completions.create({ model, messages }))).toEqual(notFound)
      expect(
        await refusal(alpha.chat.completions.create({ model, messages, stream: true })),
      ).toEqual(notFound)
      expect(await refusal(alpha.responses.create({ model, input: 'hello' }))).toEqual(notFound)
    }
    expect(await refusal(alpha.embeddings.create({ model: 'b-embed', input: 'x' }))).toEqual(
      notFound,
    )
  })

  it('resolves a shared alias in its own project only', async () => {
    const answer = await alpha.chat.completions.create({
      model: 'a-chat',
      messages: [{ role: 'user', content: 'whose route?' }],
    })
    expect(answer.choices[0]?.message.content).toBe('Echo: whose route?')
    const recorded = await createEmulatorClient(emulator.url).requests()
    // alpha's a-chat is Converse; charlie's a-chat (Mantle) must not have been called.
    expect(recorded.map((request) => request.operation)).toContain('converse')
    expect(recorded.map((request) => request.operation)).not.toContain('mantle-chat')
  })

  it('is refused with 401 when the key is unknown, on every endpoint', async () => {
    const stranger = new OpenAI({
      baseURL: `${gateway.url}/v1`,
      apiKey: 'sk-strata-not-a-key',
      maxRetries: 0,
    })
    const unauthorised = { status: 401, code: 'invalid_api_key' }
    expect(await refusal(stranger.models.list())).toEqual(unauthorised)
    expect(
      await refusal(
        stranger.chat.completions.create({
          model: 'a-chat',
          messages: [{ role: 'user', content: 'x' }],
        }),
      ),
    ).toEqual(unauthorised)
    expect(await refusal(stranger.responses.create({ model: 'a-chat', input: 'x' }))).toEqual(
      unauthorised,
    )
    expect(await refusal(stranger.embeddings.create({ model: 'a-embed', input: 'x' }))).toEqual(
      unauthorised,
    )
  })

  it('never writes a key or the Authorization header to the log', async () => {
    // An upstream failure is logged with its cause: the log has request details to leak from.
    await createEmulatorClient(emulator.url).script({
      scenario: { fault: { kind: 'httpError', status: 500, message: 'boom' } },
    })
    const failed = await refusal(
      alpha.chat.completions.create({
        model: 'a-chat',
        messages: [{ role: 'user', content: 'x' }],
      }),
    )
    expect(failed.status).toBeGreaterThanOrEqual(500)
    const log = await fromLog(gateway, 'the failure', (text) =>
      text.includes('request failed') ? text : undefined,
    )
    for (const secret of [KEY_A, KEY_B, 'sk-strata-not-a-key', 'sk-strata-isolation']) {
      expect(log).not.toContain(secret)
    }
    expect(log.toLowerCase()).not.toContain('bearer')
    expect(log.toLowerCase()).not.toContain('authorization')
  })
})
