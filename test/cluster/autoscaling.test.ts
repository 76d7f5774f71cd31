// The autoscaling proof, with every part real: two gateway processes ("replicas") in front of the
// Bedrock emulator, held under 20 slow streams by the `openai` client; the Debian Prometheus
// scraping their /metrics with the labels Kubernetes service discovery would add; and the KEDA
// operator (built from the Go module proxy) reading the ScaledObject that charts/strata renders,
// applied as rendered together with the chart's gateway Deployment it scales. The PromQL checked in
// Prometheus below is the one read from that render. No kubelet or ReplicaSet controller runs
// here, so the Deployment's pods never start: KEDA only needs its /scale subresource.
import { readFile, rm } from 'node:fs/promises'
import { AutoscalingV2Api, CoreV1Api } from '@kubernetes/client-node'
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createEmulatorClient } from '../emulator/emulator-client.ts'
import { CLAUDE_MODEL_ID, DEMO_KEY, journeyTable } from '../support/journey.ts'
import {
  ensureKeda,
  installKedaCrds,
  startKeda,
  uninstallKedaCrds,
  type KedaBuild,
  type RunningKeda,
} from '../support/keda.ts'
import {
  applyServerSide,
  renderGatewayAutoscaling,
  type GatewayAutoscaling,
} from '../support/chart-scaled-object.ts'
import { eventually, kubeConfigFrom, statusCode } from '../support/kube.ts'
import {
  makeWorkDirectory,
  startEmulatorProcess,
  startGatewayProcess,
  type RunningProcess,
} from '../support/processes.ts'
import { startPrometheus, type RunningPrometheus } from '../support/prometheus.ts'
import { scaledObjectStatus } from '../support/scaled-object-status.ts'
import { startStreamLoad, type StreamLoad } from '../support/stream-load.ts'

const NAMESPACE = 'strata-autoscaling'
const SERVICE = 'strata-gateway'
const REPLICAS = 2
const STREAMS = 20
/** values.yaml `autoscaling.keda.targetInFlightPerReplica` default (docs/autoscaling.md). */
const TARGET_PER_REPLICA = 32
/** values.yaml `autoscaling.maxReplicas` default. */
const MAX_REPLICAS = 20
const READY_REPLICAS = `count(up{namespace="${NAMESPACE}",service="${SERVICE}"} == 1)`

const config = kubeConfigFrom(inject('kubeconfig'))
const core = config.makeApiClient(CoreV1Api)
const autoscaling = config.makeApiClient(AutoscalingV2Api)

let emulator: RunningProcess | undefined
const gateways: RunningProcess[] = []
let prometheus: RunningPrometheus | undefined
let keda: RunningKeda | undefined
let kedaBuild: KedaBuild | undefined
let load: StreamLoad | undefined
/** The chart's render, aimed at this test's Prometheus; set in beforeAll. */
let chart: GatewayAutoscaling | undefined
const query = (): string => {
  if (!chart) throw new Error('chart not rendered')
  return chart.query
}
const scaledObject = scaledObjectStatus(config, NAMESPACE, SERVICE, async () =>
  ((await keda?.log()) ?? '').split('\n').slice(-20).join('\n'),
)
/** One per process: each announces its URL in a log named after it, which must not be shared. */
const workDirectories: string[] = []
/** Resident memory of both replicas while idle, for the per-stream memory figure. */
let idleMemoryBytes = 0
const MEMORY = `sum(process_resident_memory_bytes{namespace="${NAMESPACE}",service="${SERVICE}"})`

const figure = (text: string): void => {
  process.stderr.write(`[autoscaling] ${text}\n`)
}

async function queryValue(promql: string): Promise<number> {
  if (!prometheus) throw new Error('prometheus not started')
  // An empty vector is what Prometheus answers before the gauge has any series; KEDA's scaler
  // reads it as 0 (ignoreNullValues defaults to true), so do we.
  return (await prometheus.query(promql))[0]?.value ?? 0
}

beforeAll(async () => {
  // Instant when test/setup.sh has built it; otherwise the first build runs here (minutes).
  const build = ensureKeda()
  kedaBuild = build
  const workDirectory = async (name: string): Promise<string> => {
    workDirectories.push(await makeWorkDirectory(name))
    return workDirectories.at(-1) ?? ''
  }
  emulator = await startEmulatorProcess(await workDirectory('autoscaling-emulator'))
  for (let index = 0; index < REPLICAS; index += 1) {
    gateways.push(
      await startGatewayProcess({
        workDirectory: await workDirectory(`autoscaling-gateway-${String(index)}`),
        table: journeyTable(),
        emulatorUrl: emulator.url,
      }),
    )
  }
  if (new Set(gateways.map((gateway) => gateway.url)).size !== REPLICAS)
    throw new Error(`gateway replicas share a URL: ${gateways.map((g) => g.url).join(', ')}`)
  prometheus = await startPrometheus(
    gateways.map((gateway, index) => ({
      address: new URL(gateway.url).host,
      labels: { namespace: NAMESPACE, service: SERVICE, pod: `${SERVICE}-${String(index)}` },
    })),
  )
  await prometheus.waitForTargets(REPLICAS)

  chart = renderGatewayAutoscaling({
    namespace: NAMESPACE,
    prometheusAddress: prometheus.url,
    // A short poll keeps the test quick; the chart's default is 15 s.
    values: { 'autoscaling.minReplicas': REPLICAS, 'autoscaling.keda.pollingInterval': 2 },
  })
  await core.createNamespace({ body: { metadata: { name: NAMESPACE } } })
  await installKedaCrds(config, build)
  keda = await startKeda({ build, kubeconfig: inject('kubeconfig'), namespace: NAMESPACE })
  applyServerSide(inject('kubeconfig'), [chart.deployment, chart.scaledObject])
}, 1_800_000)

afterAll(async () => {
  await load?.stop()
  if (keda) {
    // Normally the last test has done this; after a failure, KEDA must still run to release the
    // ScaledObject's finalizer, or the namespace and the CRDs below could never go.
    await scaledObject.delete().catch(() => undefined)
    await eventually('ScaledObject deleted', () =>
      scaledObject.conditions().then(
        () => undefined,
        (error: unknown) => (statusCode(error) === 404 ? true : undefined),
      ),
    )
    const rss = /VmRSS:\s+(\d+) kB/.exec(
      await readFile(`/proc/${String(keda.process.pid)}/status`, 'utf8').catch(() => ''),
    )?.[1]
    if (rss) figure(`keda-operator RSS at the end: ${(Number(rss) / 1024).toFixed(0)} MB`)
    await keda.stop()
  }
  await prometheus?.stop()
  await Promise.all(gateways.map((gateway) => gateway.stop()))
  await emulator?.stop()
  await Promise.all(workDirectories.map((dir) => rm(dir, { recursive: true, force: true })))
  await core.deleteNamespace({ name: NAMESPACE }).catch(() => undefined)
  if (kedaBuild) await uninstallKedaCrds(config, kedaBuild)
})

// One story in order: idle, under load, idle again. Each step builds on the one before.
describe('autoscaling on in-flight requests per replica', () => {
  it('the chart renders the contract: the in-flight query of this namespace, 32 per replica', () => {
    expect(chart?.scaledObject.spec).toMatchObject({
      scaleTargetRef: { kind: 'Deployment', name: SERVICE },
      minReplicaCount: REPLICAS,
      maxReplicaCount: MAX_REPLICAS,
      pollingInterval: 2,
    })
    expect(chart?.threshold).toBe(String(TARGET_PER_REPLICA))
    // The label matchers the static scrape config adds (test/support/prometheus.ts) must be the
    // ones the chart queries, or every value below would be an empty vector read as 0.
    expect(query()).toContain(`namespace="${NAMESPACE}"`)
    expect(query()).toContain(`service="${SERVICE}"`)
    expect(chart?.deployment.metadata).toMatchObject({ name: SERVICE, namespace: NAMESPACE })
  })

  it('idle: KEDA reads the ScaledObject, creates its HPA, and reports it Ready but not Active', async () => {
    await scaledObject.waitFor('Ready', 'True')
    await scaledObject.waitFor('Active', 'False')
    expect(await queryValue(query())).toBe(0)
    idleMemoryBytes = await queryValue(MEMORY)
    expect(idleMemoryBytes).toBeGreaterThan(0)

    const hpa = await eventually('HPA keda-hpa-strata-gateway', () =>
      autoscaling.readNamespacedHorizontalPodAutoscaler({
        namespace: NAMESPACE,
        name: `keda-hpa-${SERVICE}`,
      }),
    )
    expect(hpa.metadata?.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'ScaledObject', name: SERVICE, controller: true }),
    ])
    expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: SERVICE })
    expect(hpa.spec.minReplicas).toBe(REPLICAS)
    expect(hpa.spec.maxReplicas).toBe(MAX_REPLICAS)
    // AverageValue: the HPA divides KEDA's total by the current replicas and compares it to 32.
    expect(hpa.spec.metrics).toHaveLength(1)
    const metric = hpa.spec.metrics?.[0]
    expect(metric?.type).toBe('External')
    expect(metric?.external?.target).toMatchObject({
      type: 'AverageValue',
      averageValue: String(TARGET_PER_REPLICA),
    })
  })

  it(`under ${String(STREAMS)} slow streams, Prometheus evaluates the query to ${String(STREAMS)}, ${String(STREAMS / REPLICAS)} per replica`, async () => {
    if (!emulator) throw new Error('emulator not started')
    // Each stream lasts about a minute (120 deltas, 500 ms apart), so none ends during the test;
    // a worker whose stream ends opens the next one.
    await createEmulatorClient(emulator.url).script({
      match: { operation: 'converse-stream', modelId: CLAUDE_MODEL_ID },
      times: 1000,
      scenario: { reply: { text: 'slow '.repeat(120) }, chunkSize: 5, tokenDelayMs: 500 },
    })
    const clients = gateways.map(
      (gateway) =>
        new OpenAI({
          baseURL: `${gateway.url}/v1`,
          apiKey: DEMO_KEY,
          maxRetries: 0,
          timeout: 120_000,
        }),
    )
    const began = Date.now()
    load = startStreamLoad({ clients, workers: STREAMS, model: 'claude' })

    await eventually(`query = ${String(STREAMS)}`, async () =>
      (await queryValue(query())) === STREAMS ? true : undefined,
    )
    figure(
      `load started → Prometheus query = ${String(STREAMS)} after ${String(Date.now() - began)} ms`,
    )
    expect(load.stats.failures).toEqual([])
    // What the HPA does with KEDA's value: divide by the replicas that serve it.
    expect(await queryValue(`${query()} / ${READY_REPLICAS}`)).toBe(STREAMS / REPLICAS)
    const perPod = await prometheus?.query(
      `sum by (pod) (strata_gateway_in_flight_requests{namespace="${NAMESPACE}",service="${SERVICE}"})`,
    )
    expect(perPod?.map((sample) => sample.value)).toEqual([STREAMS / REPLICAS, STREAMS / REPLICAS])
    // A figure, not an assertion: what the default threshold of 32 per replica is weighed against.
    const loadedMemoryBytes = await queryValue(MEMORY)
    const perStreamKb = (loadedMemoryBytes - idleMemoryBytes) / STREAMS / 1024
    figure(
      `gateway RSS (2 replicas) idle ${(idleMemoryBytes / 2 ** 20).toFixed(0)} MB, under ${String(STREAMS)} streams ${(loadedMemoryBytes / 2 ** 20).toFixed(0)} MB (~${perStreamKb.toFixed(0)} kB per open stream)`,
    )
  })

  it('under that load, KEDA evaluates the same query and reports the ScaledObject Active', async () => {
    const began = Date.now()
    await scaledObject.waitFor('Active', 'True')
    figure(`KEDA Active=True ${String(Date.now() - began)} ms after Prometheus showed the load`)
    expect(await queryValue(query())).toBe(STREAMS)
    expect(load?.stats.failures).toEqual([])
  })

  it('when the load stops, the query falls to 0 and KEDA reports the ScaledObject not Active', async () => {
    const chunks = load?.stats.chunks ?? 0
    expect(chunks).toBeGreaterThan(STREAMS)
    const began = Date.now()
    await load?.stop()
    await eventually('query = 0', async () =>
      (await queryValue(query())) === 0 ? true : undefined,
    )
    await scaledObject.waitFor('Active', 'False')
    figure(`load stopped → KEDA Active=False after ${String(Date.now() - began)} ms`)
  })

  // KEDA drops its finalizer; the HPA goes by its owner reference (the control plane runs the GC).
  it('deleting the ScaledObject: KEDA lets it go, and its HPA is collected with it', async () => {
    await scaledObject.delete()
    const gone = (read: Promise<unknown>) =>
      read.then(
        () => undefined,
        (error: unknown) => (statusCode(error) === 404 ? true : undefined),
      )
    await eventually('ScaledObject deleted', () => gone(scaledObject.conditions()))
    // The HPA goes by garbage collection (its owner is the ScaledObject), and the collector can
    // take its periodic rediscovery of resource types (30 s) to act on an owner whose CRD was
    // installed moments ago: one run on the loaded CI machine missed a 30 s wait.
    await eventually(
      'HPA deleted',
      () =>
        gone(
          autoscaling.readNamespacedHorizontalPodAutoscaler({
            namespace: NAMESPACE,
            name: `keda-hpa-${SERVICE}`,
          }),
        ),
      90_000,
    )
  }, 150_000)
})
