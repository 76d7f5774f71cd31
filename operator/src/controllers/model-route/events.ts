// What a ModelRoute watch event sets off. Only a spec change (or an add or delete) matters: a
// route's status is ours, and its echo must neither republish nor reconcile, except when the
// rollout controller moved the weights the table takes from status.rollout. The route's project
// is reconciled only when the route's Converse models change in a way that needs or frees an
// inference profile (triggers.ts projectsToReconcile).
import type { KubernetesObject } from '@kubernetes/client-node'
import type { BedrockProject, ModelRoute } from '@strata/crds'
import type { TypedCache } from '../../kube/typed-cache.ts'
import type { TableDirty } from '../table-dirty.ts'
import type { WorkQueue } from '../work-queue.ts'
import { objectKey } from '../bedrock-project/events.ts'
import { projectsToReconcile, routeTrigger, type RouteTrigger } from '../triggers.ts'

export interface RouteEventDeps {
  /** The typed caches; they hold no object that failed its schema. */
  routes: Pick<TypedCache<ModelRoute>, 'get'>
  projects: Pick<TypedCache<BedrockProject>, 'get'>
  /** The BedrockProject work queue. */
  queue: Pick<WorkQueue, 'add'>
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
    const route = this.#deps.routes.get(
      object.metadata?.name ?? '',
      object.metadata?.namespace ?? '',
    )
    const next = kind === 'delete' || !route ? undefined : routeTrigger(route)
    const previous = this.#seen.get(key)
    if (next) this.#seen.set(key, next)
    else this.#seen.delete(key)
    if (next && previous && next.generation === previous.generation) {
      // A status echo; only the rollout's own status moves the table (rollout/rollout-weights.ts).
      if (next.rollout !== previous.rollout) this.#deps.tableDirty.mark()
      return
    }
    for (const project of projectsToReconcile(previous, next, (key) => this.#profiled(key)))
      this.#deps.queue.add(project)
    this.#deps.tableDirty.mark()
  }

  /** The models a project already has inference profiles for, as its status records them. */
  #profiled(projectKey: string): ReadonlySet<string> {
    const [namespace = '', name = ''] = projectKey.split('/')
    const project = this.#deps.projects.get(name, namespace)
    return new Set((project?.status?.inferenceProfiles ?? []).map((profile) => profile.modelId))
  }
}
