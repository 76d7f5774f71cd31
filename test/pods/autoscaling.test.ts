// Real autoscaling on the node: Prometheus (a pod) scrapes the gateway pods it discovers through
// the API, KEDA's operator and metrics server (pods, built from the Go module proxy) serve the
// chart's ScaledObject to the HorizontalPodAutoscaler through the aggregated external metrics
// API, and under a client pod's held streams the gateway Deployment's replica count goes up,
// then back down once the load is gone.
import type { KubernetesObject } from '@kubernetes/client-node'
import { parseAllDocuments } from 'yaml'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { ensureKeda } from '../support/keda.ts'
import { clusterFor, kubectlUntil, runClient, system, waitForRollout } from './kubectl.ts'
import { eventually } from '../support/kube.ts'
import { emulatorFromHost, slowStreams } from './emulator-access.ts'
import { strataValues, loadArgs } from './objects/strata.ts'
import {
  kedaManifests,
  monitoringNamespace,
  prometheusManifests,
  prometheusUrl,
} from './objects/monitoring.ts'

const cluster = clusterFor(inject('podKubeconfig'))
const images = inject('podImages')
const extraImages = inject('podExtraImages')
const figure = (text: string) => process.stderr.write(`[pods:autoscaling] ${text}\n`)
const emulator = emulatorFromHost(cluster)
const MIN = 2
const MAX = 3
const TARGET_PER_REPLICA = 4
const STREAMS = 16
const LOAD_SECONDS = 75
const STABILIZATION_SECONDS = 20

const replicas = () => {
  const status = JSON.parse(
    cluster.kubectl('get', 'deployment', 'strata-gateway', '-n', system, '-o', 'json'),
  ) as {
    spec: { replicas: number }
    status: { readyReplicas?: number }
  }
  return { desired: status.spec.replicas, ready: status.status.readyReplicas ?? 0 }
}

const autoscalingValues = {
  autoscaling: {
    enabled: true,
    minReplicas: MIN,
    maxReplicas: MAX,
    scaleDownStabilizationSeconds: STABILIZATION_SECONDS,
    keda: {
      prometheusAddress: prometheusUrl,
      pollingInterval: 5,
      targetInFlightPerReplica: TARGET_PER_REPLICA,
    },
  },
}

beforeAll(async () => {
  cluster.apply(prometheusManifests(extraImages.prometheus, system))
  const keda = ensureKeda()
  const kustomized = parseAllDocuments(cluster.kubectl('kustomize', `${keda.configDir}/minimal`))
    .map((document) => document.toJS() as KubernetesObject | null)
    .filter((object): object is KubernetesObject => object !== null)
  const manifests = kedaManifests(kustomized, {
    operator: extraImages.keda,
    metricsServer: extraImages.keda,
  })
  cluster.apply(
    manifests.filter(
      (object) => object.kind === 'Namespace' || object.kind === 'CustomResourceDefinition',
    ),
  )
  cluster.kubectl(
    'wait',
    '--for=condition=Established',
    '--timeout=60s',
    'crd',
    '-l',
    'app.kubernetes.io/part-of=keda-operator',
  )
  cluster.apply(
    manifests.filter(
      (object) => object.kind !== 'Namespace' && object.kind !== 'CustomResourceDefinition',
    ),
  )
  waitForRollout(cluster, 'prometheus', monitoringNamespace, '120s')
  waitForRollout(cluster, 'keda-operator', 'keda', '180s')
  waitForRollout(cluster, 'keda-metrics-apiserver', 'keda', '180s')
  await kubectlUntil(
    cluster,
    'the external metrics API to be Available',
    [
      'get',
      'apiservice',
      'v1beta1.external.metrics.k8s.io',
      '-o',
      'jsonpath={.status.conditions[?(@.type=="Available")].status}',
    ],
    'True',
  )
  // With KEDA's CRDs present the chart renders a ScaledObject instead of its CPU HPA.
  cluster.installOrUpgrade(strataValues(images, autoscalingValues))
  await kubectlUntil(
    cluster,
    'KEDA to make the HPA for the ScaledObject',
    [
      'get',
      'scaledobject',
      'strata-gateway',
      '-n',
      system,
      '-o',
      'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
    ],
    'True',
  )
}, 600_000)

afterAll(() => emulator.reset())

describe('KEDA scales the gateway pods on in-flight requests', () => {
  it('adds a replica under held streams and removes it after the load', async () => {
    expect(replicas().desired).toBe(MIN)
    await slowStreams(emulator, 15, 10_000)
    const began = Date.now()
    const at = () => `${((Date.now() - began) / 1000).toFixed(0)} s`
    const timeline: string[] = []
    const load = runClient(
      cluster,
      {
        name: 'autoscaling-load',
        namespace: 'research',
        image: images.client,
        project: 'research',
        args: loadArgs(LOAD_SECONDS, STREAMS, 1),
      },
      LOAD_SECONDS * 1000 + 120_000,
    )
    await eventually(
      `${String(MAX)} gateway replicas Ready under load`,
      () => {
        const now = replicas()
        timeline.push(`${at()} desired ${String(now.desired)} ready ${String(now.ready)}`)
        return now.ready === MAX ? true : undefined
      },
      LOAD_SECONDS * 1000,
      1_000,
    )
    const scaledUp = at()
    const result = await load
    const loadEnded = at()
    expect(result).toMatchObject({ failed: 0, streamsBroken: 0 })
    await eventually(
      `back to ${String(MIN)} replicas`,
      () => {
        const now = replicas()
        timeline.push(`${at()} desired ${String(now.desired)} ready ${String(now.ready)}`)
        return now.desired === MIN ? true : undefined
      },
      180_000,
      1_000,
    )
    figure(
      `scaled up to ${String(MAX)} Ready at ${scaledUp}; load ended at ${loadEnded}; back to ${String(MIN)} at ${at()} (stabilization window ${String(STABILIZATION_SECONDS)} s)`,
    )
    figure(`load: ${JSON.stringify(result)}`)
    figure(
      `timeline (changes only):\n  ${timeline.filter((line, index) => line.split(' ').slice(2).join(' ') !== timeline[index - 1]?.split(' ').slice(2).join(' ')).join('\n  ')}`,
    )
  })
})
