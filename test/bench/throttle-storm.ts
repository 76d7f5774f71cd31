// `node test/bench/throttle-storm.ts [--gateway-root DIR]`: what clients receive in a storm of
// Bedrock 429s (ThrottlingException on every call), and how many upstream attempts each request
// costs. Three phases on the route defaults (breaker 5 failures in a row, cool-down 30 s): a route
// with one backend, a route whose primary is throttled and whose fallback is healthy, and the
// first requests after the storm ends. --gateway-root runs another checkout's gateway (an older
// commit) against this emulator, for a before-and-after comparison. Prints [storm] lines.
import { rm } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { createEmulatorClient, type EmulatorClient } from '../emulator/emulator-client.ts'
import { DEMO_KEY } from '../support/journey.ts'
import {
  makeWorkDirectory,
  startEmulatorProcess,
  startGatewayProcess,
} from '../support/processes.ts'
import {
  backend,
  CLAUDE_MODEL_ID,
  inParallel,
  NOVA_MODEL_ID,
  resilienceTable,
  route,
} from '../support/resilience-journey.ts'

const { values } = parseArgs({
  options: { 'gateway-root': { type: 'string' }, requests: { type: 'string', default: '100' } },
})
const requests = Number(values.requests)
const routes = [
  route('single', [backend('only', CLAUDE_MODEL_ID)]),
  route('chain', [
    backend('primary', CLAUDE_MODEL_ID),
    backend('fallback', NOVA_MODEL_ID, { priority: 1 }),
  ]),
]

/** One call without client retries: its status, error code and Retry-After, as one label. */
async function call(url: string, model: string): Promise<string> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${DEMO_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Hello' }] }),
    signal: AbortSignal.timeout(30_000),
  })
  const body = (await response.json()) as { error?: { code?: string | null } }
  if (response.status === 200) return '200'
  const retryAfter = response.headers.get('retry-after')
  return `${String(response.status)} ${body.error?.code ?? '-'}${retryAfter === null ? '' : ` Retry-After ${retryAfter}`}`
}

function tally(labels: PromiseSettledResult<string>[]): string {
  const counts = new Map<string, number>()
  for (const result of labels) {
    const label = result.status === 'fulfilled' ? result.value : 'connection error'
    counts.set(label, (counts.get(label) ?? 0) + 1)
  }
  return [...counts].map(([label, n]) => `${String(n)}× ${label}`).join(', ')
}

async function attempts(bedrock: EmulatorClient): Promise<number> {
  return (await bedrock.requests()).filter((request) => request.modelId !== undefined).length
}

const log = (line: string) => {
  process.stdout.write(`[storm] ${line}\n`)
}

const workDirectory = await makeWorkDirectory('throttle-storm')
const emulator = await startEmulatorProcess(workDirectory)
const bedrock = createEmulatorClient(emulator.url)
try {
  const gateway = await startGatewayProcess({
    workDirectory,
    table: resilienceTable(1, routes),
    emulatorUrl: emulator.url,
    ...(values['gateway-root'] === undefined ? {} : { gatewayRoot: values['gateway-root'] }),
  })
  try {
    log(
      `gateway from ${values['gateway-root'] ?? 'this checkout'}; ${String(requests)} requests per phase, 4 at a time`,
    )
    for (const model of ['single', 'chain']) {
      await bedrock.reset()
      await bedrock.script({
        match: { modelId: CLAUDE_MODEL_ID },
        times: 100_000,
        scenario: { fault: { kind: 'error', exception: 'ThrottlingException' } },
      })
      const results = await inParallel(requests, 4, () => call(gateway.url, model))
      const upstream = await attempts(bedrock)
      log(
        `${model === 'single' ? 'one backend, throttled' : 'primary throttled, fallback healthy'}: clients received ${tally(results)}; ${String(upstream)} upstream attempts, ${(upstream / requests).toFixed(2)} per request`,
      )
    }
    // The storm is over: Bedrock answers again. Does everyone get served at once?
    await bedrock.reset()
    const after = await inParallel(10, 1, () => call(gateway.url, 'single'))
    log(`right after the storm (Bedrock healthy again), 10 requests: ${tally(after)}`)
  } finally {
    await gateway.stop()
  }
} finally {
  await emulator.stop()
  await rm(workDirectory, { recursive: true, force: true })
}
