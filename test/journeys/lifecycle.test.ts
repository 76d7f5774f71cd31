// Journeys of the people who run the gateway: operations endpoints, a routing table edited while
// clients are served, and a SIGTERM that lets requests in flight finish.
import { writeFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually } from '../support/kube.ts'
import { DEMO_KEY, journeyTable, startJourney, type Journey } from '../support/journey.ts'

let journey: Journey

beforeAll(async () => {
  journey = await startJourney('lifecycle')
})

afterAll(async () => {
  await journey.stop()
})

const readyVersion = async (): Promise<unknown> => {
  const response = await fetch(`${journey.gateway.url}/readyz`)
  return ((await response.json()) as { routingTableVersion?: unknown }).routingTableVersion
}

describe('operating the gateway', () => {
  it('answers health, readiness and metrics', async () => {
    expect((await fetch(`${journey.gateway.url}/healthz`)).status).toBe(200)
    expect(await readyVersion()).toBe(1)
    await journey.openai.models.list()
    const metrics = await (await fetch(`${journey.gateway.url}/metrics`)).text()
    expect(metrics).toContain(
      'strata_gateway_requests_total{route="/v1/models",method="GET",status="200"}',
    )
    expect(metrics).toContain('process_cpu_seconds_total')
  })

  it('serves an edited routing table without a restart, and keeps it when an edit is invalid', async () => {
    const table = journeyTable() as { version: number; projects: { routes: { model: string }[] }[] }
    const project = table.projects[0]
    const route = project?.routes[0]
    if (project === undefined || route === undefined) throw new Error('journey table has a route')
    project.routes.push({ ...route, model: 'claude-latest' })
    table.version = 2
    await writeFile(journey.gateway.routesFile, JSON.stringify(table))
    await eventually('version 2 in service', async () =>
      (await readyVersion()) === 2 ? true : undefined,
    )
    expect((await journey.openai.models.list()).data.map((model) => model.id)).toContain(
      'claude-latest',
    )

    await writeFile(
      journey.gateway.routesFile,
      JSON.stringify({ ...table, version: 3, kind: 'Nonsense' }),
    )
    await eventually('the refusal to be logged', async () =>
      (await journey.gateway.log()).includes('routing table update refused') ? true : undefined,
    )
    expect(await readyVersion()).toBe(2)
  })

  it('drains on SIGTERM: a stream in flight completes, then the process exits 0', async () => {
    await journey.bedrock.script({
      scenario: { reply: { text: 'slow '.repeat(20) }, chunkSize: 5, tokenDelayMs: 50 },
    })
    const stream = await journey.openai.chat.completions.create({
      model: 'claude',
      messages: [{ role: 'user', content: 'Take your time.' }],
      stream: true,
    })
    const iterator = stream[Symbol.asyncIterator]()
    const first = await iterator.next()
    expect(first.done).toBe(false)
    process.kill(journey.gateway.process.pid, 'SIGTERM')
    let text = ''
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) {
      text += next.value.choices[0]?.delta.content ?? ''
    }
    expect(text.length).toBeGreaterThan(50)
    expect(await journey.gateway.process.exited).toBe(0)
    await expect(fetch(`${journey.gateway.url}/healthz`)).rejects.toThrow()
  })
})

// Behind a Service, endpoints are removed asynchronously after SIGTERM: clients keep arriving for
// a moment. The gateway fails readiness at once, keeps serving new connections for the shutdown
// delay, then drains.
describe('stopping behind a Service', () => {
  it('fails readiness at once, serves new connections for the delay, then drains and exits 0', async () => {
    // 3 s: with 1.5 s, a loaded machine's slow readiness polls plus the 500 ms pause below left
    // little time for the new connection before the delay ended.
    const delayMs = 3_000
    const stopping = await startJourney('shutdown-delay', {
      gatewayArgs: ['--shutdown-delay-ms', String(delayMs)],
    })
    try {
      const url = stopping.gateway.url
      expect((await fetch(`${url}/readyz`)).status).toBe(200)
      const signalled = performance.now()
      process.kill(stopping.gateway.process.pid, 'SIGTERM')
      await eventually('readiness to fail', async () =>
        (await fetch(`${url}/readyz`, { headers: { connection: 'close' } })).status === 503
          ? true
          : undefined,
      )
      const notReadyAfter = performance.now() - signalled
      // A client that still has the old endpoint opens a new connection and is served.
      await new Promise((resolve) => setTimeout(resolve, 500))
      const served = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${DEMO_KEY}`,
          'content-type': 'application/json',
          connection: 'close',
        },
        body: JSON.stringify({ model: 'claude', messages: [{ role: 'user', content: 'Hi' }] }),
      })
      expect(served.status).toBe(200)
      expect(await stopping.gateway.process.exited).toBe(0)
      const exitedAfter = performance.now() - signalled
      console.log(
        `[lifecycle] SIGTERM: readiness failed after ${Math.round(notReadyAfter)} ms, a new connection served 500 ms in, exit after ${Math.round(exitedAfter)} ms (delay ${String(delayMs)} ms)`,
      )
      // At once: within half the delay, which the 200 ms polls resolve to a few tries.
      expect(notReadyAfter).toBeLessThan(delayMs / 2)
      expect(exitedAfter).toBeGreaterThanOrEqual(delayMs)
    } finally {
      await stopping.stop()
    }
  })
})
