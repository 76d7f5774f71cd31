// An index built once per routing table, so a request does two map lookups and no scans:
// key hash → project, and project + alias → route.
import type { Project, Route, RoutingTable } from '@strata/crds'

interface KeyEntry {
  project: Project
  hash: Buffer
  /** Epoch milliseconds after which the key is refused; undefined when it never expires. */
  notAfterMs: number | undefined
}

export interface RoutingIndex {
  readonly table: RoutingTable
  readonly keys: ReadonlyMap<string, KeyEntry>
  readonly routes: ReadonlyMap<string, ReadonlyMap<string, Route>>
  /**
   * Application inference profile ARN → the model id behind it. The ARN is what goes upstream and
   * names no model; translators still need the model for family-specific mappings.
   */
  readonly baseModelIds: ReadonlyMap<string, string>
}

export function buildRoutingIndex(table: RoutingTable): RoutingIndex {
  const keys = new Map<string, KeyEntry>()
  const routes = new Map<string, Map<string, Route>>()
  const baseModelIds = new Map<string, string>()
  for (const project of table.projects) {
    for (const key of project.keys) {
      const notAfterMs = key.notAfter === undefined ? undefined : Date.parse(key.notAfter)
      keys.set(key.sha256, { project, hash: Buffer.from(key.sha256, 'hex'), notAfterMs })
    }
    routes.set(project.projectId, new Map(project.routes.map((route) => [route.model, route])))
    for (const backend of project.routes.flatMap((route) => route.backends)) {
      if (backend.profileArn !== undefined) baseModelIds.set(backend.profileArn, backend.modelId)
    }
  }
  return { table, keys, routes, baseModelIds }
}

/** The route a project serves under `alias`, or undefined when the project has no such alias. */
export function findRoute(index: RoutingIndex, project: Project, alias: string): Route | undefined {
  return index.routes.get(project.projectId)?.get(alias)
}

/** Every route of a project, in table order. */
export function routesOf(index: RoutingIndex, project: Project): Route[] {
  return [...(index.routes.get(project.projectId)?.values() ?? [])]
}
