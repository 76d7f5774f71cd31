// The objects of a fleet, shared by the fleet benchmark's scenario and the operator pod test:
// projects p0..p(P-1) round-robin over the namespaces, routes r0..r(R-1) each on project i % P
// with one or two Converse models, created a batch at a time, and the count of routes the
// operator published.
import type { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node'
import {
  API_GROUP as group,
  API_VERSION as version,
  decodeTableConfigMap,
  ROUTING_TABLE_CONFIG_MAP,
} from '@strata/crds'

const tags = {
  owner: 'fleet',
  cost_center: 'cc',
  environment: 'bench',
  data_classification: 'internal',
}
const models = ['anthropic.claude-sonnet-4-6', 'amazon.nova-lite-v1:0']
const inFlight = 16

export interface FleetProject {
  name: string
  namespace: string
}

/** Runs `run` on every item, `inFlight` at a time, as a client with a connection pool would. */
export async function inBatches<T>(items: T[], run: (item: T) => Promise<unknown>): Promise<void> {
  for (let offset = 0; offset < items.length; offset += inFlight)
    await Promise.all(items.slice(offset, offset + inFlight).map(run))
}

export function fleetProjects(count: number, namespaces: string[]): FleetProject[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `p${String(i)}`,
    namespace: namespaces[i % namespaces.length] ?? '',
  }))
}

/** A BedrockProject named after its fleet; `label` keeps Bedrock project names unique per run. */
export function createFleetProject(custom: CustomObjectsApi, project: FleetProject, label: string) {
  return custom.createNamespacedCustomObject({
    group,
    version,
    namespace: project.namespace,
    plural: 'bedrockprojects',
    body: {
      apiVersion: `${group}/${version}`,
      kind: 'BedrockProject',
      metadata: project,
      spec: { name: `Fleet ${project.name} ${label}`, region: 'us-east-1', tags },
    },
  })
}

export function fleetRoute(i: number, projects: FleetProject[], alias = `alias-${String(i)}`) {
  const project = projects[i % projects.length] ?? { name: '', namespace: '' }
  return {
    apiVersion: `${group}/${version}`,
    kind: 'ModelRoute',
    metadata: { name: `r${String(i)}`, namespace: project.namespace },
    spec: {
      projectRef: { name: project.name },
      model: alias,
      backends: models
        .slice(0, 1 + (i % 2))
        .map((modelId, index) => ({ kind: 'converse', modelId, weight: index === 0 ? 9 : 1 })),
    },
  }
}

export function createFleetRoute(custom: CustomObjectsApi, body: ReturnType<typeof fleetRoute>) {
  return custom.createNamespacedCustomObject({
    group,
    version,
    namespace: body.metadata.namespace,
    plural: 'modelroutes',
    body,
  })
}

/** How many routes the routing table the operator published in `namespace` serves. */
export async function routesInTable(core: CoreV1Api, namespace: string): Promise<number> {
  const map = await core.readNamespacedConfigMap({ name: ROUTING_TABLE_CONFIG_MAP, namespace })
  const decoded = decodeTableConfigMap(map)
  return decoded.ok ? decoded.table.projects.reduce((n, p) => n + p.routes.length, 0) : 0
}
