// The world of the token-governance journeys: one Bedrock emulator, one real redis-server, and TWO
// strata-gateway processes sharing it, each with its own `openai` client. The table gives each
// scenario its own route, so their counters never meet.
import { createHash } from 'node:crypto'
import { rm } from 'node:fs/promises'
import OpenAI from 'openai'
import { createEmulatorClient, type EmulatorClient } from '../emulator/emulator-client.ts'
import { CLAUDE_MODEL_ID, NOVA_MODEL_ID } from './journey.ts'
import {
  makeWorkDirectory,
  startEmulatorProcess,
  startGatewayProcess,
  type RunningProcess,
} from './processes.ts'
import { startRedis, type RunningRedis } from './redis.ts'

export const LIMITS_KEY = 'sk-strata-limits-key'
export const BUDGET_KEY = 'sk-strata-budget-key'

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')

interface RouteSpec {
  model: string
  modelId?: string
  limits?: Record<string, unknown>
}

const route = ({ model, modelId = CLAUDE_MODEL_ID, limits }: RouteSpec) => ({
  name: model,
  namespace: 'limits',
  model,
  backends: [{ kind: 'converse', modelId, region: 'us-east-1' }],
  ...(limits ? { limits } : {}),
})

export function limitsTable(routes: RouteSpec[], budgetTokensPerDay = 500): unknown {
  return {
    apiVersion: 'strata.dev/v1alpha1',
    kind: 'RoutingTable',
    version: 1,
    generatedAt: new Date().toISOString(),
    projects: [
      {
        name: 'governed',
        namespace: 'limits',
        projectId: 'proj_governed',
        keys: [{ sha256: sha256(LIMITS_KEY) }],
        routes: routes.map(route),
      },
      {
        name: 'budgeted',
        namespace: 'limits',
        projectId: 'proj_budgeted',
        keys: [{ sha256: sha256(BUDGET_KEY) }],
        budgets: [{ period: 'day', tokens: budgetTokensPerDay }],
        routes: [route({ model: 'nova', modelId: NOVA_MODEL_ID })],
      },
    ],
  }
}

export interface Replica {
  gateway: RunningProcess
  openai: OpenAI
  budgetClient: OpenAI
  /** The value of a metric line on this replica's /metrics, e.g. `strata_gateway_limits_degraded`. */
  metric(line: string): Promise<number | undefined>
}

export interface LimitsWorld {
  replicas: [Replica, Replica]
  redis: RunningRedis
  bedrock: EmulatorClient
  stop(): Promise<void>
}

function replicaOf(gateway: RunningProcess): Replica {
  const client = (apiKey: string) =>
    new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey, maxRetries: 0, timeout: 20_000 })
  return {
    gateway,
    openai: client(LIMITS_KEY),
    budgetClient: client(BUDGET_KEY),
    async metric(line) {
      const text = await (await fetch(`${gateway.url}/metrics`)).text()
      const found = text.split('\n').find((row) => row.startsWith(`${line} `))
      return found === undefined ? undefined : Number(found.slice(line.length + 1))
    },
  }
}

export async function startLimitsWorld(name: string, table: unknown): Promise<LimitsWorld> {
  const workDirectory = await makeWorkDirectory(name)
  const started: { stop(): Promise<void> }[] = []
  try {
    const redis = await startRedis(`${name}-redis`)
    started.push(redis)
    const emulator = await startEmulatorProcess(workDirectory)
    started.push(emulator)
    const gateways: RunningProcess[] = []
    for (const index of [1, 2]) {
      const directory = await makeWorkDirectory(`${name}-gateway-${String(index)}`)
      const gateway = await startGatewayProcess({
        workDirectory: directory,
        table,
        emulatorUrl: emulator.url,
        // Generous: at the default 250 ms a CPU-starved test machine timed out Redis replies, and
        // the replicas fell back to their own shares and admitted more than the shared limit.
        // Redis being killed is still seen at once, by the connection closing.
        extraArgs: ['--redis-url', redis.url, '--redis-timeout-ms', '5000'],
      })
      started.push(gateway, { stop: () => rm(directory, { recursive: true, force: true }) })
      gateways.push(gateway)
    }
    const [first, second] = gateways
    if (first === undefined || second === undefined) throw new Error('two gateways expected')
    return {
      replicas: [replicaOf(first), replicaOf(second)],
      redis,
      bedrock: createEmulatorClient(emulator.url),
      async stop() {
        for (const part of started.reverse()) await part.stop()
        await rm(workDirectory, { recursive: true, force: true })
      },
    }
  } catch (error) {
    for (const part of started.reverse()) await part.stop()
    throw error
  }
}

/** Polls until `probe` holds, or fails with `what`. */
export async function eventually(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`not within ${String(timeoutMs)} ms: ${what}`)
}
