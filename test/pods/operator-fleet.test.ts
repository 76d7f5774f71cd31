// The operator at fleet size in its pod: 100 BedrockProjects and 5,000 ModelRoutes against the
// chart's own memory limit (256 MiB) and heap flags. Every route must reach the published routing
// table, and neither operator pod may be OOM-killed or restarted on the way.
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node'
import { decodeTableConfigMap, ROUTING_TABLE_CONFIG_MAP } from '@strata/crds'
import { describe, expect, inject, it } from 'vitest'
import { eventually, kubeConfigFrom } from '../support/kube.ts'
import { clusterFor, system } from './kubectl.ts'

const PROJECTS = 100
const ROUTES = 5_000
const NAMESPACES = 10
const IN_FLIGHT = 16
const group = 'strata.dev'
const version = 'v1alpha1'
const tags = {
  owner: 'fleet',
  cost_center: 'cc',
  environment: 'test',
  data_classification: 'internal',
}
const models = ['anthropic.claude-sonnet-4-6', 'amazon.nova-lite-v1:0']

const config = kubeConfigFrom(inject('podKubeconfig'))
const core = config.makeApiClient(CoreV1Api)
const custom = config.makeApiClient(CustomObjectsApi)
const cluster = clusterFor(inject('podKubeconfig'))
const figure = (text: string) => process.stderr.write(`[pods:operator-fleet] ${text}\n`)

async function inBatches<T>(items: T[], run: (item: T) => Promise<unknown>): Promise<void> {
  for (let offset = 0; offset < items.length; offset += IN_FLIGHT)
    await Promise.all(items.slice(offset, offset + IN_FLIGHT).map(run))
}

interface OperatorPod {
  metadata: { name: string }
  status: {
    podIP: string
    containerStatuses?: { restartCount: number; lastState?: { terminated?: { reason?: string } } }[]
  }
}

const operatorPods = (): OperatorPod[] =>
  (
    JSON.parse(
      cluster.kubectl(
        'get',
        'pods',
        '-n',
        system,
        '-l',
        'app.kubernetes.io/component=operator',
        '-o',
        'json',
      ),
    ) as { items: OperatorPod[] }
  ).items

async function routesInTable(): Promise<number> {
  const map = await core.readNamespacedConfigMap({
    name: ROUTING_TABLE_CONFIG_MAP,
    namespace: system,
  })
  const decoded = decodeTableConfigMap(map)
  return decoded.ok
    ? decoded.table.projects.reduce((sum, project) => sum + project.routes.length, 0)
    : 0
}

async function residentMiB(pod: OperatorPod): Promise<number> {
  const text = await (await fetch(`http://${pod.status.podIP}:8080/metrics`)).text()
  return Number(/^process_resident_memory_bytes (\S+)$/m.exec(text)?.[1] ?? 0) / 2 ** 20
}

describe('the operator pod at fleet size', () => {
  it('publishes 5,000 routes of 100 projects within the chart memory limit, never OOM-killed', async () => {
    const limit = cluster.kubectl(
      'get',
      'deployment',
      'strata-operator',
      '-n',
      system,
      '-o',
      'jsonpath={.spec.template.spec.containers[0].resources.limits.memory}',
    )
    const before = await routesInTable()
    const namespaces = Array.from({ length: NAMESPACES }, (_, i) => `fleet-${String(i)}`)
    for (const name of namespaces) await core.createNamespace({ body: { metadata: { name } } })
    const projects = Array.from({ length: PROJECTS }, (_, i) => ({
      name: `p${String(i)}`,
      namespace: namespaces[i % NAMESPACES] ?? '',
    }))
    const began = Date.now()
    await inBatches(projects, (metadata) =>
      custom.createNamespacedCustomObject({
        group,
        version,
        namespace: metadata.namespace,
        plural: 'bedrockprojects',
        body: {
          apiVersion: `${group}/${version}`,
          kind: 'BedrockProject',
          metadata,
          spec: { name: `Fleet ${metadata.name}`, region: 'us-east-1', tags },
        },
      }),
    )
    const routes = Array.from({ length: ROUTES }, (_, i) => i)
    await inBatches(routes, (i) => {
      const project = projects[i % PROJECTS] ?? { name: '', namespace: '' }
      return custom.createNamespacedCustomObject({
        group,
        version,
        namespace: project.namespace,
        plural: 'modelroutes',
        body: {
          apiVersion: `${group}/${version}`,
          kind: 'ModelRoute',
          metadata: { name: `r${String(i)}`, namespace: project.namespace },
          spec: {
            projectRef: { name: project.name },
            model: `alias-${String(i)}`,
            backends: models
              .slice(0, 1 + (i % 2))
              .map((modelId) => ({ kind: 'converse', modelId })),
          },
        },
      })
    })
    const appliedMs = Date.now() - began
    let peakMiB = 0
    await eventually(
      `${String(ROUTES)} more routes in the published table`,
      async () => {
        for (const pod of operatorPods())
          peakMiB = Math.max(peakMiB, await residentMiB(pod).catch(() => 0))
        return (await routesInTable()) >= before + ROUTES ? true : undefined
      },
      600_000,
      2_000,
    )
    const servedMs = Date.now() - began
    const pods = operatorPods()
    for (const pod of pods) peakMiB = Math.max(peakMiB, await residentMiB(pod))
    figure(
      `${String(PROJECTS)} projects and ${String(ROUTES)} routes applied in ${(appliedMs / 1000).toFixed(0)} s, ` +
        `all in the table ${(servedMs / 1000).toFixed(0)} s after the first apply; operator RSS peak ` +
        `${peakMiB.toFixed(0)} MiB sampled every 2 s (limit ${limit})`,
    )
    for (const pod of pods) {
      const status = pod.status.containerStatuses?.[0]
      expect(status?.lastState?.terminated?.reason, pod.metadata.name).toBeUndefined()
      expect(status?.restartCount, pod.metadata.name).toBe(0)
    }
    expect(limit).toBe('256Mi')
  })
})
