// The world of the rollout journeys (test/cluster/rollouts.test.ts), every part real and run as a
// process: the apiserver (the cluster project's), strata-operator with --prometheus-url, the
// Bedrock emulator, strata-gateway in in-cluster mode serving the table the operator publishes,
// and the Debian Prometheus scraping that gateway every second. Plus the pieces each journey
// uses: a steady stream of chat completions through the openai client, counters read from the
// gateway's /metrics, and the route's status read back from the apiserver.
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node'
import {
  API_GROUP,
  API_VERSION,
  GROUP_VERSION,
  bedrockProjectSchema,
  modelRouteSchema,
  type ModelRoute,
} from '@strata/crds'
import OpenAI from 'openai'
import { createEmulatorClient, type EmulatorClient } from '../emulator/emulator-client.ts'
import { installCrds } from './crds.ts'
import { grantGatewayAccess } from './gateway-access.ts'
import { eventually } from './kube.ts'
import {
  makeWorkDirectory,
  startEmulatorProcess,
  startInClusterGateway,
  startOperatorProcess,
  type RunningProcess,
} from './processes.ts'
import { startPrometheus, type RunningPrometheus } from './prometheus.ts'

export const STABLE_MODEL = 'anthropic.claude-sonnet-4-5-20250929-v1:0'
export const CANDIDATE_MODEL = 'anthropic.claude-sonnet-4-6'
/** Priced at twice the Sonnet price in this world's price table. */
export const COSTLY_MODEL = 'anthropic.claude-haiku-4-5-20251001-v1:0'
const PROJECT = 'support'

// USD per million tokens; the emulator counts words as tokens, so both Sonnets cost the same per
// request and the "costly" model exactly twice as much.
const priceTable = {
  models: [
    { match: 'anthropic.claude-sonnet-4-5', input: 3, output: 15 },
    { match: 'anthropic.claude-sonnet-4-6', input: 3, output: 15 },
    { match: 'anthropic.claude-haiku-4-5', input: 6, output: 30 },
  ],
}

export interface RolloutWorld {
  team: string
  config: KubeConfig
  emulator: RunningProcess
  bedrock: EmulatorClient
  gateway: RunningProcess
  prometheus: RunningPrometheus
  operator: RunningProcess
  openai: OpenAI
  /** Starts another operator process (after the first was killed). */
  restartOperator(): Promise<void>
  /** The application inference profile ARN the operator made for a model. */
  profileArn(modelId: string): Promise<string>
  readRoute(name: string): Promise<ModelRoute>
  createRoute(name: string, spec: Record<string, unknown>): Promise<void>
  stop(): Promise<void>
}

export async function startRolloutWorld(
  config: KubeConfig,
  kubeconfig: string,
): Promise<RolloutWorld> {
  const core = config.makeApiClient(CoreV1Api)
  const custom = config.makeApiClient(CustomObjectsApi)
  const suffix = Date.now().toString(36)
  const system = `strata-rollouts-${suffix}`
  const team = `rollouts-${suffix}`
  const cleanups: (() => Promise<unknown>)[] = []
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined)
  }
  try {
    await installCrds(config)
    await core.createNamespace({ body: { metadata: { name: system } } })
    cleanups.push(() => core.deleteNamespace({ name: system }))
    await core.createNamespace({ body: { metadata: { name: team } } })
    cleanups.push(() => core.deleteNamespace({ name: team }))
    const workDirectory = await makeWorkDirectory('rollouts')
    const emulator = await startEmulatorProcess(workDirectory)
    cleanups.push(() => emulator.stop())
    const priceFile = join(workDirectory, 'prices.json')
    await writeFile(priceFile, JSON.stringify(priceTable))
    const access = await grantGatewayAccess(config, system, workDirectory)
    const gateway = await startInClusterGateway({
      workDirectory,
      access,
      namespace: system,
      emulatorUrl: emulator.url,
      extraArgs: ['--price-table', priceFile],
    })
    cleanups.push(() => gateway.stop())
    const prometheus = await startPrometheus([
      {
        address: new URL(gateway.url).host,
        labels: { namespace: system, service: 'strata-gateway' },
      },
    ])
    cleanups.push(() => prometheus.stop())
    await prometheus.waitForTargets(1)
    const startOperator = () =>
      startOperatorProcess({
        workDirectory,
        kubeconfig,
        namespace: system,
        emulatorUrl: emulator.url,
        extraArgs: ['--resync-seconds', '5', '--prometheus-url', prometheus.url],
      })
    const world = {
      team,
      config,
      emulator,
      bedrock: createEmulatorClient(emulator.url),
      gateway,
      prometheus,
      operator: await startOperator(),
    } as RolloutWorld
    cleanups.push(() => world.operator.stop())

    const readProject = async () =>
      bedrockProjectSchema.parse(
        await custom.getNamespacedCustomObject({
          group: API_GROUP,
          version: API_VERSION,
          namespace: team,
          plural: 'bedrockprojects',
          name: PROJECT,
        }),
      )
    await custom.createNamespacedCustomObject({
      group: API_GROUP,
      version: API_VERSION,
      namespace: team,
      plural: 'bedrockprojects',
      body: {
        apiVersion: GROUP_VERSION,
        kind: 'BedrockProject',
        metadata: { name: PROJECT, namespace: team },
        spec: {
          name: `Rollouts ${suffix}`,
          region: 'us-east-1',
          tags: {
            owner: 'rollouts',
            cost_center: 'cc-1',
            environment: 'test',
            data_classification: 'internal',
          },
        },
      },
    })
    await eventually('the BedrockProject Ready', async () => {
      const project = await readProject()
      const ready = project.status?.conditions?.find((c) => c.type === 'Ready')
      return ready?.status === 'True' ? true : undefined
    })
    const secret = await core.readNamespacedSecret({ name: `${PROJECT}-openai`, namespace: team })
    const apiKey = Buffer.from(secret.data?.['OPENAI_API_KEY'] ?? '', 'base64').toString()

    world.openai = new OpenAI({
      baseURL: `${gateway.url}/v1`,
      apiKey,
      maxRetries: 0,
      timeout: 20_000,
    })
    world.restartOperator = async () => {
      world.operator = await startOperator()
    }
    world.profileArn = (modelId) =>
      eventually(`an inference profile for ${modelId}`, async () => {
        const project = await readProject()
        return project.status?.inferenceProfiles?.find((p) => p.modelId === modelId)?.arn
      })
    world.readRoute = async (name) =>
      modelRouteSchema.parse(
        await custom.getNamespacedCustomObject({
          group: API_GROUP,
          version: API_VERSION,
          namespace: team,
          plural: 'modelroutes',
          name,
        }),
      )
    world.createRoute = async (name, spec) => {
      await custom.createNamespacedCustomObject({
        group: API_GROUP,
        version: API_VERSION,
        namespace: team,
        plural: 'modelroutes',
        body: {
          apiVersion: GROUP_VERSION,
          kind: 'ModelRoute',
          metadata: { name, namespace: team },
          spec: { projectRef: { name: PROJECT }, ...spec },
        },
      })
    }
    world.stop = stop
    return world
  } catch (error) {
    await stop()
    throw error
  }
}

export interface Load {
  ok: number
  failed: number
  /** Each distinct failure message with how often it came, so a failed assertion says why. */
  failures: Map<string, number>
  stop(): Promise<void>
}

/** `workers` clients each sending streamed chat completions to `model` back to back. */
export function startLoad(openai: OpenAI, model: string, workers = 4): Load {
  let running = true
  const load = { ok: 0, failed: 0, failures: new Map<string, number>() } as Load
  const worker = async () => {
    while (running) {
      try {
        const stream = await openai.chat.completions.create({
          model,
          stream: true,
          messages: [{ role: 'user', content: 'say something short about rollouts' }],
        })
        // Read to the end, so the request is timed and counted as a client would see it.
        const chunks: unknown[] = []
        for await (const chunk of stream) chunks.push(chunk)
        if (chunks.length === 0) throw new Error('the stream carried no chunk')
        load.ok += 1
      } catch (error) {
        load.failed += 1
        const message = error instanceof Error ? error.message : String(error)
        load.failures.set(message, (load.failures.get(message) ?? 0) + 1)
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    }
  }
  const done = Promise.all(Array.from({ length: workers }, worker))
  load.stop = async () => {
    running = false
    await done
  }
  return load
}

/** Upstream attempts per backend name of one route, read from the gateway's /metrics. */
export async function attemptsByBackend(
  gatewayUrl: string,
  route: string,
): Promise<Record<string, number>> {
  const text = await (await fetch(`${gatewayUrl}/metrics`)).text()
  const counts: Record<string, number> = {}
  const pattern = /^strata_gateway_backend_attempts_total\{([^}]*)\} (\S+)$/gm
  for (const match of text.matchAll(pattern)) {
    const labels = new Map<string, string>()
    for (const label of (match[1] ?? '').matchAll(/(\w+)="([^"]*)"/g))
      labels.set(label[1] ?? '', label[2] ?? '')
    if (labels.get('route') !== route) continue
    const name = labels.get('backend_name') ?? ''
    counts[name] = (counts[name] ?? 0) + Number(match[2])
  }
  return counts
}
