// Strata as a platform engineer installs it, on the node: the Bedrock emulator as a pod behind a
// Service, `helm install` of charts/strata with the local images, and the example manifests.
// Returns how long each part took to become Ready, for the closing figures.
import { join } from 'node:path'
import {
  emulatorManifests,
  emulatorNamespace,
  emulatorService,
  strataValues,
} from './objects/strata.ts'
import { kubectlUntil, waitForRollout, type Cluster } from './kubectl.ts'
import { eventually } from '../support/kube.ts'

const repoRoot = join(import.meta.dirname, '..', '..')

export interface PodImages {
  operator: string
  gateway: string
  emulator: string
  client: string
}

export interface InstallFigures {
  emulatorReadyMs: number
  chartReadyMs: number
  examplesReadyMs: number
}

export async function installStrata(cluster: Cluster, images: PodImages): Promise<InstallFigures> {
  let from = Date.now()
  cluster.apply(emulatorManifests(images.emulator))
  waitForRollout(cluster, emulatorService, emulatorNamespace, '120s')
  const emulatorReadyMs = Date.now() - from

  from = Date.now()
  // --wait: helm returns once both Deployments have their pods Ready through their own probes.
  cluster.installOrUpgrade(strataValues(images))
  const chartReadyMs = Date.now() - from

  from = Date.now()
  for (const namespace of ['support', 'research'])
    cluster.apply([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }])
  cluster.kubectl('apply', '-f', join(repoRoot, 'examples', 'manifests'))
  await eventually(
    'every example ModelRoute to be Ready',
    () => {
      const routes = JSON.parse(cluster.kubectl('get', 'modelroutes', '-A', '-o', 'json')) as {
        items: { status?: { conditions?: { type: string; status: string }[] } }[]
      }
      const ready = routes.items.filter((route) =>
        route.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      )
      return routes.items.length > 0 && ready.length === routes.items.length ? true : undefined
    },
    120_000,
    1_000,
  )
  for (const project of ['support', 'research'])
    await kubectlUntil(
      cluster,
      `Secret ${project}-openai`,
      ['get', 'secret', `${project}-openai`, '-n', project, '-o', 'name'],
      `secret/${project}-openai`,
    )
  return { emulatorReadyMs, chartReadyMs, examplesReadyMs: Date.now() - from }
}
