// What a ModelRoute watch event sets off. Only a spec change (or an add or delete) matters: a
// route's status is ours, and its echo must neither republish nor reconcile. The route's project
// is reconciled only when the route's Converse models change in a way that needs or frees an
// inference profile (triggers.ts projectsToReconcile).
import type { KubernetesObject } from '@kubernetes/client-node'
import type { ModelRoute } from '@strata/crds'
import type { TableDirty } from '../table-dirty.ts'
import { objectKey } from '../bedrock-project/events.ts'
import { projectsToReconcile, routeTrigger, type RouteTrigger } from '../triggers.ts'

export interface RouteEventDeps {
  /** The typed, validated cached route; undefined when it failed its schema or is gone. */
  get: (namespace: string, name: string) => ModelRoute | undefined
  /** The models a project (by key) already has inference profiles for. */
  profiledModels: (projectKey: string) => ReadonlySet<string>
  reconcileProject: (key: string) => void
  tableDirty: Pick<TableDirty, 'mark'>
}

export class RouteEvents {
  readonly #deps: RouteEventDeps
  /** What each route last looked like to the filter; status-only echoes are told apart. */
  readonly #seen = new Map<string, RouteTrigger>()

  constructor(deps: RouteEventDeps) {
    this.#deps = deps
  }

  readonly onEvent = (object: KubernetesObject, kind: 'add' | 'update' | 'delete'): void => {
    const key = objectKey(object)
    const route = this.#deps.get(object.metadata?.namespace ?? '', object.metadata?.name ?? '')
    const next = kind === 'delete' || !route ? undefined : routeTrigger(route)
    const previous = this.#seen.get(key)
    if (next) this.#seen.set(key, next)
    else this.#seen.delete(key)
    if (next && previous && next.generation === previous.generation) return
    for (const project of projectsToReconcile(previous, next, this.#deps.profiledModels))
      this.#deps.reconcileProject(project)
    this.#deps.tableDirty.mark()
  }
}
