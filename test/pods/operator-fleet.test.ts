// The operator at fleet size in its pod: 100 BedrockProjects and 5,000 ModelRoutes against the
// chart's own memory limit (256 MiB) and heap flags. Every route must reach the published routing
// table, and neither operator pod may be OOM-killed or restarted on the way.
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node'
import { describe, expect, inject, it } from 'vitest'
import {
  createFleetProject,
  createFleetRoute,
  fleetProjects,
  fleetRoute,
  inBatches,
  routesInTable,
} from '../support/fleet-objects.ts'
import { eventually, kubeConfigFrom } from '../support/kube.ts'
import { componentPods, field, type Pod } from './cluster-reads.ts'
import { clusterFor, system } from './kubectl.ts'

const PROJECTS = 100
const ROUTES = 5_000
const NAMESPACES = 10

const config = kubeConfigFrom(inject('podKubeconfig'))
const core = config.makeApiClient(CoreV1Api)
const custom = config.makeApiClient(CustomObjectsApi)
const cluster = clusterFor(inject('podKubeconfig'))
const figure = (text: string) => process.stderr.write(`[pods:operator-fleet] ${text}\n`)

async function residentMiB(pod: Pod): Promise<number> {
  const text = await (await fetch(`http://${pod.status.podIP}:8080/metrics`)).text()
  return Number(/^process_resident_memory_bytes (\S+)$/m.exec(text)?.[1] ?? 0) / 2 ** 20
}

describe('the operator pod at fleet size', () => {
  it('publishes 5,000 routes of 100 projects within the chart memory limit, never OOM-killed', async () => {
    const limit = field(
      cluster,
      'deployment',
      'strata-operator',
      '{.spec.template.spec.containers[0].resources.limits.memory}',
    )
    const before = await routesInTable(core, system)
    const namespaces = Array.from({ length: NAMESPACES }, (_, i) => `fleet-${String(i)}`)
    for (const name of namespaces) await core.createNamespace({ body: { metadata: { name } } })
    const projects = fleetProjects(PROJECTS, namespaces)
    const began = Date.now()
    await inBatches(projects, (project) => createFleetProject(custom, project, 'in a pod'))
    await inBatches(
      Array.from({ length: ROUTES }, (_, i) => i),
      (i) => createFleetRoute(custom, fleetRoute(i, projects)),
    )
    const appliedMs = Date.now() - began
    let peakMiB = 0
    await eventually(
      `${String(ROUTES)} more routes in the published table`,
      async () => {
        for (const pod of componentPods(cluster, 'operator'))
          peakMiB = Math.max(peakMiB, await residentMiB(pod).catch(() => 0))
        return (await routesInTable(core, system)) >= before + ROUTES ? true : undefined
      },
      600_000,
      2_000,
    )
    const servedMs = Date.now() - began
    const pods = componentPods(cluster, 'operator')
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
