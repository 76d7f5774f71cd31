// `make bench` (control plane, end to end): the real apiserver, strata-operator and an in-cluster
// strata-gateway as processes. Measures (issue 8 part 3):
//   - apply → served: a ModelRoute alias edit until the gateway lists it, over N edits;
//   - scale: routes created at once until the gateway serves them all, with operator and gateway
//     RSS at that size;
//   - table-swap pause: chat latency at a fixed rate while tables of that size are republished.
// Env: STRATA_BENCH_EDITS (default 100), STRATA_BENCH_ROUTES (default 5000; QUICK: 20 and 1000).
import {
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node'
import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { startControlPlane } from '../control-plane/control-plane.ts'
import { installCrds } from '../support/crds.ts'
import { grantGatewayAccess } from '../support/gateway-access.ts'
import { eventually, kubeConfigFrom } from '../support/kube.ts'
import {
  makeWorkDirectory,
  startEmulatorProcess,
  startInClusterGateway,
  startOperatorProcess,
} from '../support/processes.ts'
import { peakRssMebibytes, rssMebibytes } from './process-usage.ts'
import { runAtRate } from './rate-client.ts'
import { chatBody } from './targets.ts'
import { summarize } from './stats.ts'

const quick = process.env['STRATA_BENCH_QUICK'] === '1'
const edits = Number(process.env['STRATA_BENCH_EDITS'] ?? (quick ? 20 : 100))
const routeCount = Number(process.env['STRATA_BENCH_ROUTES'] ?? (quick ? 1000 : 5000))
const log = (line: string) => process.stderr.write(`[bench control-plane] ${line}\n`)
const group = 'strata.dev'
const version = 'v1alpha1'
const system = 'strata-bench-system'
const team = 'strata-bench'
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch)
const tags = {
  owner: 'bench',
  cost_center: 'cc',
  environment: 'bench',
  data_classification: 'internal',
}

const route = (name: string, model: string) => ({
  apiVersion: `${group}/${version}`,
  kind: 'ModelRoute',
  metadata: { name, namespace: team },
  spec: {
    projectRef: { name: 'bench' },
    model,
    backends: [{ kind: 'converse', modelId: 'anthropic.claude-sonnet-4-6' }],
  },
})

const ms = (value: number) => value.toFixed(0)

const plane = await startControlPlane()
const workDirectory = await makeWorkDirectory('bench-control-plane')
const stops: (() => Promise<void>)[] = [() => plane.stop()]
try {
  const config = kubeConfigFrom(plane.kubeconfig)
  const core = config.makeApiClient(CoreV1Api)
  const custom = config.makeApiClient(CustomObjectsApi)
  await installCrds(config)
  for (const name of [system, team]) await core.createNamespace({ body: { metadata: { name } } })
  const emulator = await startEmulatorProcess(workDirectory)
  stops.unshift(() => emulator.stop())
  const operator = await startOperatorProcess({
    workDirectory,
    kubeconfig: plane.kubeconfig,
    namespace: system,
    emulatorUrl: emulator.url,
  })
  stops.unshift(() => operator.stop())
  const access = await grantGatewayAccess(config, system, workDirectory)
  const gateway = await startInClusterGateway({
    workDirectory,
    access,
    namespace: system,
    emulatorUrl: emulator.url,
  })
  stops.unshift(() => gateway.stop())

  await custom.createNamespacedCustomObject({
    group,
    version,
    namespace: team,
    plural: 'bedrockprojects',
    body: {
      apiVersion: `${group}/${version}`,
      kind: 'BedrockProject',
      metadata: { name: 'bench', namespace: team },
      spec: { name: 'Bench', region: 'us-east-1', tags },
    },
  })
  const apiKey = await eventually(
    'the credentials Secret',
    async () => {
      const secret = await core.readNamespacedSecret({ name: 'bench-openai', namespace: team })
      const key = Buffer.from(secret.data?.['OPENAI_API_KEY'] ?? '', 'base64').toString()
      return key === '' ? undefined : key
    },
    60_000,
  )
  const models = async (): Promise<string[]> => {
    const response = await fetch(`${gateway.url}/v1/models`, {
      headers: { authorization: `Bearer ${apiKey}` },
    })
    if (response.status !== 200) return []
    return ((await response.json()) as { data: { id: string }[] }).data.map((m) => m.id)
  }
  const createRoute = (name: string, model: string) =>
    custom.createNamespacedCustomObject({
      group,
      version,
      namespace: team,
      plural: 'modelroutes',
      body: route(name, model),
    })
  const editRoute = (name: string, model: string) =>
    custom.patchNamespacedCustomObject(
      { group, version, namespace: team, plural: 'modelroutes', name, body: { spec: { model } } },
      mergePatch,
    )

  // 1. Apply → served, one edit at a time.
  await createRoute('edited', 'edited-v0')
  await eventually(
    'the first route served',
    async () => ((await models()).includes('edited-v0') ? true : undefined),
    60_000,
    20,
  )
  const latencies: number[] = []
  for (let edit = 1; edit <= edits; edit++) {
    const alias = `edited-v${String(edit)}`
    const started = performance.now()
    await editRoute('edited', alias)
    await eventually(
      `alias ${alias} served`,
      async () => ((await models()).includes(alias) ? true : undefined),
      10_000,
      5,
    )
    latencies.push(performance.now() - started)
  }
  const editStats = summarize(latencies)
  log(
    `apply → served over ${String(edits)} edits: p50 ${ms(editStats.p50)} ms, p99 ${ms(editStats.p99)} ms`,
  )

  // 2. Many routes at once, created with a few requests in flight.
  const createStarted = performance.now()
  const names = Array.from({ length: routeCount }, (_, index) => `r${String(index)}`)
  for (let offset = 0; offset < names.length; offset += 16) {
    await Promise.all(
      names.slice(offset, offset + 16).map((name) => createRoute(name, `alias-${name}`)),
    )
  }
  const createdMs = performance.now() - createStarted
  log(`${String(routeCount)} ModelRoutes created in ${ms(createdMs)} ms; waiting for the gateway`)
  await eventually(
    `${String(routeCount)} routes served`,
    async () => ((await models()).length >= routeCount + 1 ? true : undefined),
    600_000,
    250,
  )
  const servedMs = performance.now() - createStarted
  const operatorRss = rssMebibytes([operator.process.pid])
  const operatorPeak = peakRssMebibytes([operator.process.pid])
  const gatewayRss = rssMebibytes([gateway.process.pid])
  log(`all served ${ms(servedMs)} ms after the first create; operator RSS ${ms(operatorRss)} MiB`)

  // 3. Table-swap pause: chat at a fixed rate, with and without republishing the large table.
  const spec = {
    url: `${gateway.url}/v1/chat/completions`,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: chatBody('alias-r0', false),
  }
  const run = { spec, rate: 100, seconds: 6, warmupSeconds: 1, connections: 64 }
  const quiet = await runAtRate(run)
  const swapping = runAtRate(run)
  for (let swap = 0; swap < 3; swap++) {
    await new Promise((resolve) => setTimeout(resolve, 1_500))
    await editRoute('edited', `edited-swap-${String(swap)}`)
  }
  const swapped = await swapping
  const gatewayPeak = peakRssMebibytes([gateway.process.pid])
  const table = `
Control plane, end to end (real apiserver, strata-operator and in-cluster strata-gateway as processes)

| what | figure |
|---|---|
| ModelRoute edit → served by the gateway (${String(edits)} edits) | p50 ${ms(editStats.p50)} ms, p99 ${ms(editStats.p99)} ms, max ${ms(editStats.max)} ms |
| ${String(routeCount)} ModelRoutes: created (16 in flight) | ${ms(createdMs)} ms |
| ${String(routeCount)} ModelRoutes: first create → all served | ${ms(servedMs)} ms |
| operator RSS at ${String(routeCount)} routes (now / peak) | ${ms(operatorRss)} / ${ms(operatorPeak)} MiB |
| gateway RSS at ${String(routeCount)} routes (now / peak incl. swaps) | ${ms(gatewayRss)} / ${ms(gatewayPeak)} MiB |
| chat at 100 req/s, no table change: p50 / p99 / max | ${quiet.latency.p50.toFixed(2)} / ${quiet.latency.p99.toFixed(2)} / ${quiet.latency.max.toFixed(2)} ms |
| same while the ${String(routeCount)}-route table is republished 3 times: p50 / p99 / max | ${swapped.latency.p50.toFixed(2)} / ${swapped.latency.p99.toFixed(2)} / ${swapped.latency.max.toFixed(2)} ms (failed ${String(swapped.failed)}) |
`
  process.stdout.write(table)
  const output =
    process.env['STRATA_BENCH_OUTPUT'] ?? new URL('../../docs', import.meta.url).pathname
  await writeFile(
    join(output, 'benchmarks-control-plane.md'),
    `# Benchmarks: control plane\n\nWritten by \`make bench\` (\`test/bench/control-plane-scale.ts\`, ${new Date().toISOString()}${quick ? ', quick run' : ''}); do not edit by hand. Goals of issue 8: a route edit served within 1 s at p99; 5,000 routes compiled and published in ≤ 2 s (\`test/bench/publish-scale.ts\`).\n${table}`,
  )
} finally {
  for (const stop of stops) await stop().catch(() => undefined)
  await rm(workDirectory, { recursive: true, force: true })
}
