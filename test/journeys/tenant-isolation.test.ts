// One project's (or one caller's) bad requests, throttled traffic or spent limit never change what
// another project's callers get, nor another caller of the same project: circuits, limits,
// latency and answers. Real processes (emulator + gateway); the noisy project and the quiet one
// use the same Bedrock model, so nothing but the gateway keeps them apart.
import { createHash } from 'node:crypto'
import OpenAI, { APIError } from 'openai'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { hostileCases } from '../support/hostile-requests.ts'
import { CLAUDE_MODEL_ID, NOVA_MODEL_ID, startJourney, type Journey } from '../support/journey.ts'
import { inParallel, metricValue } from '../support/resilience-journey.ts'

const NOISY_KEY = 'sk-strata-noisy-caller'
const NOISY_NEIGHBOUR_KEY = 'sk-strata-noisy-neighbour'
const QUIET_KEY = 'sk-strata-quiet-caller'

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')
const route = (namespace: string, model: string, modelId: string, extra = {}) => ({
  name: model,
  namespace,
  model,
  backends: [{ kind: 'converse', modelId, region: 'us-east-1' }],
  ...extra,
})

// Default breakers everywhere: five failures in a row would open a circuit for 30 s.
const table = {
  apiVersion: 'strata.dev/v1alpha1',
  kind: 'RoutingTable',
  version: 1,
  generatedAt: new Date().toISOString(),
  projects: [
    {
      name: 'noisy',
      namespace: 'noisy',
      projectId: 'proj_noisy',
      keys: [{ sha256: sha256(NOISY_KEY) }, { sha256: sha256(NOISY_NEIGHBOUR_KEY) }],
      routes: [
        route('noisy', 'chat', CLAUDE_MODEL_ID),
        route('noisy', 'throttled', NOVA_MODEL_ID),
        route('noisy', 'limited', CLAUDE_MODEL_ID, { limits: { requestsPerMinute: 3 } }),
      ],
    },
    {
      name: 'quiet',
      namespace: 'quiet',
      projectId: 'proj_quiet',
      keys: [{ sha256: sha256(QUIET_KEY) }],
      routes: [route('quiet', 'chat', CLAUDE_MODEL_ID)],
    },
  ],
}

let journey: Journey
const client = (key: string) =>
  new OpenAI({ baseURL: `${journey.gateway.url}/v1`, apiKey: key, maxRetries: 0 })

beforeAll(async () => {
  journey = await startJourney('tenant-isolation', { table })
})

afterAll(async () => {
  await journey.stop()
})

beforeEach(async () => {
  await journey.bedrock.reset()
})

const hello = (model = 'chat') => ({
  model,
  messages: [{ role: 'user' as const, content: 'Hello' }],
})

/** Sends `count` good requests one at a time and returns their latencies; all must be served. */
async function servedLatencies(key: string, count: number): Promise<number[]> {
  const openai = client(key)
  const latencies: number[] = []
  for (let i = 0; i < count; i += 1) {
    const started = performance.now()
    const answer = await openai.chat.completions.create(hello())
    expect(answer.choices[0]?.message.content).toEqual(expect.any(String))
    latencies.push(performance.now() - started)
  }
  return latencies
}

const p99 = (values: number[]): number => [...values].sort((a, b) => a - b).at(-1) ?? 0

const circuit = (project: string, model: string) =>
  metricValue(journey, `strata_gateway_circuit_state{route="${project}/${model}",backend_name="0"}`)

async function garbage(key: string): Promise<number> {
  const cases = hostileCases({
    converse: 'chat',
    mantle: 'chat',
    converseEmbed: 'chat',
    mantleEmbed: 'chat',
  }).filter((item) => item.field !== undefined && item.method === undefined)
  const results = await inParallel(cases.length, 8, async (index) => {
    const item = cases[index]
    if (item === undefined) throw new Error('no case')
    const response = await fetch(`${journey.gateway.url}${item.path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: item.body,
    })
    await response.arrayBuffer()
    return response.status
  })
  const statuses = results.flatMap((result) =>
    result.status === 'fulfilled' ? [result.value] : [],
  )
  expect(statuses.filter((status) => status >= 500)).toEqual([])
  return statuses.length
}

describe('a caller sending garbage', () => {
  it("changes nothing for another project's callers, nor for a neighbour in its own project", async () => {
    const quietBefore = await servedLatencies(QUIET_KEY, 10)
    const [sent, quietDuring] = await Promise.all([
      garbage(NOISY_KEY),
      servedLatencies(QUIET_KEY, 20),
    ])
    const neighbour = await servedLatencies(NOISY_NEIGHBOUR_KEY, 5)
    console.log(
      `[isolation] ${sent} garbage requests from one caller; the other project's slowest of 10 before: ${Math.round(p99(quietBefore))} ms, of 20 during: ${Math.round(p99(quietDuring))} ms; the neighbour's 5 served`,
    )
    expect(neighbour).toHaveLength(5)
    expect(p99(quietDuring)).toBeLessThan(2_000)
    expect(await circuit('noisy', 'chat')).toBe(0)
    expect(await circuit('quiet', 'chat')).toBe(0)
  }, 120_000)
})

describe("a project's throttled traffic", () => {
  it('reaches its own callers as 429 with Retry-After and leaves every circuit closed', async () => {
    await journey.bedrock.script({
      match: { modelId: NOVA_MODEL_ID },
      times: 1_000,
      scenario: { fault: { kind: 'error', exception: 'ThrottlingException' } },
    })
    const noisy = client(NOISY_KEY)
    const [throttled, quiet] = await Promise.all([
      inParallel(30, 6, () => noisy.chat.completions.create(hello('throttled'))),
      servedLatencies(QUIET_KEY, 10),
    ])
    for (const result of throttled) {
      expect(result.status).toBe('rejected')
      const error = (result as PromiseRejectedResult).reason as APIError
      expect(error.status).toBe(429)
      expect(error.headers?.get('retry-after')).toBe('1')
    }
    expect(await circuit('noisy', 'throttled')).toBe(0)
    expect(quiet).toHaveLength(10)
    // The neighbour in the same project, on a route that is not throttled, is served.
    expect(await servedLatencies(NOISY_NEIGHBOUR_KEY, 3)).toHaveLength(3)
  })
})

describe("a project's spent limit", () => {
  it("refuses that project's route and nobody else's", async () => {
    const noisy = client(NOISY_KEY)
    const results = await inParallel(10, 1, () => noisy.chat.completions.create(hello('limited')))
    const served = results.filter((result) => result.status === 'fulfilled').length
    expect(served).toBe(3)
    for (const result of results) {
      if (result.status === 'rejected') expect((result.reason as APIError).status).toBe(429)
    }
    expect(await servedLatencies(QUIET_KEY, 5)).toHaveLength(5)
    expect(await servedLatencies(NOISY_NEIGHBOUR_KEY, 3)).toHaveLength(3)
  })
})
