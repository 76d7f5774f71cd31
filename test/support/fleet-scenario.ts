// A fleet on the real control plane: P BedrockProjects and R ModelRoutes spread over a few
// namespaces, the operator (with the chart's Node flags) and an in-cluster gateway as processes,
// Bedrock emulated. Measures what issue 19 asks for: the time from the last apply until every route
// is Ready and in the table, status writes on unaffected routes per unrelated change, operator RSS
// and CPU, Bedrock calls per project, and edit → served. Shared by the scale test (which asserts
// counts) and the benchmark (which prints figures).
import {
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
  Watch,
} from '@kubernetes/client-node'
import type { KubeConfig } from '@kubernetes/client-node'
import { z } from 'zod'
import { cpuSeconds, peakRssMebibytes, rssMebibytes } from '../bench/process-usage.ts'
import { createEmulatorClient } from '../emulator/emulator-client.ts'
import { grantGatewayAccess } from './gateway-access.ts'
import {
  createFleetProject,
  createFleetRoute,
  fleetProjects,
  fleetRoute,
  inBatches,
  routesInTable,
} from './fleet-objects.ts'
import { eventually } from './kube.ts'
import {
  startEmulatorProcess,
  startInClusterGateway,
  startOperatorProcess,
  type RunningProcess,
} from './processes.ts'

export interface FleetOptions {
  config: KubeConfig
  kubeconfig: string
  workDirectory: string
  projects: number
  routes: number
  /** Node flags for the operator, e.g. the chart's heap cap. */
  nodeOptions: string[]
  /** More environment for the operator, as the chart's Deployment sets it. */
  env: NodeJS.ProcessEnv
  /** Edits timed from apply to served. */
  edits: number
  log: (line: string) => void
}

export interface FleetFigures {
  projectsReadyMs: number
  routesCreatedMs: number
  lastApplyToServedMs: number
  /** Status writes to routes other than the one added, for one unrelated route added. */
  unrelatedWritesOnOthers: number
  /** All ModelRoute status writes the operator counted for that change. */
  unrelatedWritesTotal: number
  unrelatedServedMs: number
  unrelatedOperatorCpuSeconds: number
  editToServedMs: number[]
  operatorIdleRssMiB: number
  operatorRssMiB: number
  operatorPeakRssMiB: number
  /** From the operator's own metrics at the end: V8 heap in use and allocated, and off-heap. */
  heapUsedMiB: number
  heapTotalMiB: number
  externalMiB: number
  operatorCpuSeconds: number
  bedrockCallsPerProject: number
  getProjectCallsPerProject: number
}

const group = 'strata.dev'
const version = 'v1alpha1'
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch)
const namespaceCount = 10
const listSchema = z.object({
  metadata: z.object({ resourceVersion: z.string().optional() }).optional(),
  items: z.array(
    z.object({
      metadata: z.object({ generation: z.number().optional() }),
      status: z
        .object({
          observedGeneration: z.number().optional(),
          conditions: z.array(z.object({ type: z.string(), status: z.string() })).optional(),
        })
        .optional(),
    }),
  ),
})

const metricValue = (text: string, name: string): number =>
  Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0)

export async function runFleet(options: FleetOptions): Promise<FleetFigures> {
  const { config, log } = options
  const core = config.makeApiClient(CoreV1Api)
  const custom = config.makeApiClient(CustomObjectsApi)
  const suffix = Date.now().toString(36)
  const system = `fleet-system-${suffix}`
  const namespaces = Array.from(
    { length: namespaceCount },
    (_, i) => `fleet-${suffix}-${String(i)}`,
  )
  const stops: (() => Promise<void>)[] = []
  try {
    for (const name of [system, ...namespaces])
      await core.createNamespace({ body: { metadata: { name } } })
    const emulator = await startEmulatorProcess(options.workDirectory)
    stops.unshift(() => emulator.stop())
    const operator: RunningProcess = await startOperatorProcess({
      workDirectory: options.workDirectory,
      kubeconfig: options.kubeconfig,
      namespace: system,
      emulatorUrl: emulator.url,
      nodeOptions: options.nodeOptions,
      env: options.env,
    })
    stops.unshift(() => operator.stop())
    const access = await grantGatewayAccess(config, system, options.workDirectory)
    const gateway = await startInClusterGateway({
      workDirectory: options.workDirectory,
      access,
      namespace: system,
      emulatorUrl: emulator.url,
    })
    stops.unshift(() => gateway.stop())
    const operatorPids = [operator.process.pid]
    const cpuAtStart = cpuSeconds(operatorPids)
    // Idle: leader, informers synced, nothing to reconcile.
    await new Promise((resolve) => setTimeout(resolve, 5_000))
    const operatorIdleRssMiB = rssMebibytes(operatorPids)

    const projects = fleetProjects(options.projects, namespaces)
    const started = performance.now()
    await inBatches(projects, (project) => createFleetProject(custom, project, suffix))
    const readyCount = async (plural: string) => {
      const list = listSchema.parse(
        await custom.listClusterCustomObject({ group, version, plural }),
      )
      return list.items.filter(
        (item) =>
          item.status?.observedGeneration === item.metadata.generation &&
          item.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      ).length
    }
    await eventually(
      `${String(options.projects)} projects Ready`,
      async () => ((await readyCount('bedrockprojects')) >= options.projects ? true : undefined),
      600_000,
      500,
    )
    const projectsReadyMs = performance.now() - started
    log(`${String(options.projects)} projects Ready in ${projectsReadyMs.toFixed(0)} ms`)

    const route = (i: number) => fleetRoute(i, projects)
    const createRoute = (body: ReturnType<typeof route>) => createFleetRoute(custom, body)
    const routesStarted = performance.now()
    await inBatches(
      Array.from({ length: options.routes }, (_, i) => i),
      (i) => createRoute(route(i)),
    )
    const lastApply = performance.now()
    const routesCreatedMs = lastApply - routesStarted
    const tableRoutes = () => routesInTable(core, system)
    await eventually(
      `${String(options.routes)} routes Ready and in the table`,
      async () =>
        (await readyCount('modelroutes')) >= options.routes &&
        (await tableRoutes()) >= options.routes
          ? true
          : undefined,
      900_000,
      500,
    )
    const lastApplyToServedMs = performance.now() - lastApply
    log(
      `${String(options.routes)} routes served ${lastApplyToServedMs.toFixed(0)} ms after the last apply`,
    )

    // Settled: routes are served before their project has its inference profiles, and their
    // entries change once more when the profiles arrive. Wait until no status write for 3 s.
    const metricsText = async () => (await fetch(`${operator.url}/metrics`)).text()
    const statusWrites = async () =>
      metricValue(await metricsText(), 'strata_operator_status_writes_total\\{kind="ModelRoute"\\}')
    let quiet = await statusWrites()
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 3_000))
      const now = await statusWrites()
      if (now === quiet) break
      quiet = now
    }

    // One unrelated change: a new route on p0, watched for writes to every other route.
    const listed = listSchema.parse(
      await custom.listClusterCustomObject({ group, version, plural: 'modelroutes' }),
    )
    const newcomer = route(options.routes)
    const writes = new Map<string, number>()
    const watch = await new Watch(config).watch(
      `/apis/${group}/${version}/modelroutes`,
      { resourceVersion: listed.metadata?.resourceVersion ?? '0' },
      (phase, object: { metadata?: { name?: string; namespace?: string } }) => {
        const key = `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`
        if (phase === 'MODIFIED') writes.set(key, (writes.get(key) ?? 0) + 1)
      },
      () => undefined,
    )
    const writesBefore = await statusWrites()
    const cpuBefore = cpuSeconds(operatorPids)
    const unrelatedStarted = performance.now()
    await createRoute(newcomer)
    const newcomerKey = `${newcomer.metadata.namespace}/${newcomer.metadata.name}`
    await eventually(
      'the unrelated route in the table',
      async () => ((await tableRoutes()) > options.routes ? true : undefined),
      30_000,
      20,
    )
    const unrelatedServedMs = performance.now() - unrelatedStarted
    await new Promise((resolve) => setTimeout(resolve, 3_000))
    watch.abort()
    const unrelatedOperatorCpuSeconds = cpuSeconds(operatorPids) - cpuBefore
    const unrelatedWritesTotal = (await statusWrites()) - writesBefore
    const unrelatedWritesOnOthers = [...writes]
      .filter(([key]) => key !== newcomerKey)
      .reduce((sum, [, count]) => sum + count, 0)
    log(
      `one unrelated route: ${String(unrelatedWritesOnOthers)} writes on other routes, ${String(unrelatedWritesTotal)} in all`,
    )

    // Edit → served, through the gateway, one edit at a time on r0.
    const first = projects[0] ?? { name: '', namespace: '' }
    const secret = await core.readNamespacedSecret({
      name: `${first.name}-openai`,
      namespace: first.namespace,
    })
    const apiKey = Buffer.from(secret.data?.['OPENAI_API_KEY'] ?? '', 'base64').toString()
    const served = async (alias: string) => {
      const response = await fetch(`${gateway.url}/v1/models`, {
        headers: { authorization: `Bearer ${apiKey}` },
      })
      const body = (await response.json()) as { data?: { id: string }[] }
      return body.data?.some((model) => model.id === alias) ? true : undefined
    }
    const editToServedMs: number[] = []
    for (let edit = 1; edit <= options.edits; edit++) {
      const alias = `alias-0-v${String(edit)}`
      const editStarted = performance.now()
      await custom.patchNamespacedCustomObject(
        {
          group,
          version,
          namespace: first.namespace,
          plural: 'modelroutes',
          name: 'r0',
          body: { spec: { model: alias } },
        },
        mergePatch,
      )
      await eventually(`${alias} served`, () => served(alias), 30_000, 10)
      editToServedMs.push(performance.now() - editStarted)
    }

    const requests = await createEmulatorClient(emulator.url).requests()
    const bedrockOperations = new Set([
      'create-project',
      'list-projects',
      'get-project',
      'update-project',
      'archive-project',
      'create-inference-profile',
      'get-inference-profile',
      'list-inference-profiles',
      'delete-inference-profile',
      'tag-resource',
      'untag-resource',
      'list-tags-for-resource',
    ])
    const finalMetrics = await metricsText()
    const mebibytes = (name: string) => metricValue(finalMetrics, name) / 1024 / 1024
    const bedrockCalls = requests.filter((r) => bedrockOperations.has(r.operation)).length
    const getProjectCalls = requests.filter((r) => r.operation === 'get-project').length
    return {
      projectsReadyMs,
      routesCreatedMs,
      lastApplyToServedMs,
      unrelatedWritesOnOthers,
      unrelatedWritesTotal,
      unrelatedServedMs,
      unrelatedOperatorCpuSeconds,
      editToServedMs,
      operatorIdleRssMiB,
      operatorRssMiB: rssMebibytes(operatorPids),
      heapUsedMiB: mebibytes('nodejs_heap_size_used_bytes'),
      heapTotalMiB: mebibytes('nodejs_heap_size_total_bytes'),
      externalMiB: mebibytes('nodejs_external_memory_bytes'),
      operatorPeakRssMiB: peakRssMebibytes(operatorPids),
      operatorCpuSeconds: cpuSeconds(operatorPids) - cpuAtStart,
      bedrockCallsPerProject: bedrockCalls / options.projects,
      getProjectCallsPerProject: getProjectCalls / options.projects,
    }
  } finally {
    for (const stop of stops) await stop().catch(() => undefined)
    for (const name of namespaces) await core.deleteNamespace({ name }).catch(() => undefined)
    await core.deleteNamespace({ name: system }).catch(() => undefined)
  }
}
