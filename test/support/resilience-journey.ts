// Helpers of the resilience journeys: a routing table with chains of backends, bounded
// concurrency, what the emulator saw per model, and one series read from the gateway's /metrics.
import { writeFile } from 'node:fs/promises'
import { createHash } from 'node:crypto'
import { eventually } from './kube.ts'
import {
  CLAUDE_MODEL_ID,
  DEMO_KEY,
  GPT_OSS_MODEL_ID,
  JOURNEY_PROJECT_ID,
  NOVA_MODEL_ID,
  type Journey,
} from './journey.ts'

export { CLAUDE_MODEL_ID, GPT_OSS_MODEL_ID, NOVA_MODEL_ID }

export interface TableRoute {
  name: string
  namespace: 'default'
  model: string
  backends: Record<string, unknown>[]
  [option: string]: unknown
}

export const backend = (
  name: string,
  modelId: string,
  options: { weight?: number; priority?: number; kind?: 'converse' | 'mantle' } = {},
): Record<string, unknown> => ({
  name,
  kind: options.kind ?? 'converse',
  modelId,
  region: 'us-east-1',
  weight: options.weight ?? 1,
  priority: options.priority ?? 0,
})

export function route(
  model: string,
  backends: Record<string, unknown>[],
  options = {},
): TableRoute {
  return { name: model, namespace: 'default', model, backends, ...options }
}

export function resilienceTable(version: number, routes: TableRoute[]): unknown {
  return {
    apiVersion: 'strata.dev/v1alpha1',
    kind: 'RoutingTable',
    version,
    generatedAt: new Date().toISOString(),
    projects: [
      {
        name: 'journey',
        namespace: 'default',
        projectId: JOURNEY_PROJECT_ID,
        keys: [{ sha256: createHash('sha256').update(DEMO_KEY).digest('hex') }],
        routes,
      },
    ],
  }
}

/** Writes a new table and waits until the gateway serves its version. */
export async function publish(
  journey: Journey,
  version: number,
  routes: TableRoute[],
): Promise<void> {
  await writeFile(journey.gateway.routesFile, JSON.stringify(resilienceTable(version, routes)))
  await eventually(`table version ${version} in service`, async () => {
    const ready = (await (await fetch(`${journey.gateway.url}/readyz`)).json()) as {
      routingTableVersion?: unknown
    }
    return ready.routingTableVersion === version ? true : undefined
  })
}

/** Runs `count` tasks, at most `limit` at a time; settles every one. */
export async function inParallel<T>(
  count: number,
  limit: number,
  task: (index: number) => Promise<T>,
): Promise<PromiseSettledResult<T>[]> {
  const results: PromiseSettledResult<T>[] = []
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next
      next += 1
      results[index] = await task(index).then(
        (value) => ({ status: 'fulfilled', value }) as const,
        (reason: unknown) => ({ status: 'rejected', reason }) as const,
      )
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker))
  return results
}

/** Model calls the emulator received, per model id (control and listing calls left out). */
export async function callsPerModel(journey: Journey): Promise<Map<string, number>> {
  const counts = new Map<string, number>()
  for (const request of await journey.bedrock.requests()) {
    if (request.modelId === undefined) continue
    counts.set(request.modelId, (counts.get(request.modelId) ?? 0) + 1)
  }
  return counts
}

/** The value of one series on /metrics, e.g. `strata_gateway_circuit_state{route="default/x",...}`. */
export async function metricValue(journey: Journey, series: string): Promise<number | undefined> {
  const text = await (await fetch(`${journey.gateway.url}/metrics`)).text()
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

/** Whether `observed` successes of `trials` fit probability `p` within `sigmas` standard deviations. */
export function withinBinomial(observed: number, trials: number, p: number, sigmas = 4): boolean {
  const deviation = sigmas * Math.sqrt(trials * p * (1 - p))
  return Math.abs(observed - trials * p) <= deviation
}
