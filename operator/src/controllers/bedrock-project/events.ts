// What a BedrockProject watch event sets off. Every change may alter the routing table (status
// carries keys and profiles), so each one marks it dirty; only a change to what the reconcile acts
// on (spec, deletion, finalizers, the rotate annotation) queues a reconcile. Our own status writes
// echo back here and must not cost a Bedrock call each.
import type { KubernetesObject } from '@kubernetes/client-node'
import type { BedrockProject } from '@strata/crds'
import type { TypedCache } from '../../kube/typed-cache.ts'
import type { TableDirty } from '../table-dirty.ts'
import type { WorkQueue } from '../work-queue.ts'
import { projectTrigger, type ProjectTrigger } from '../triggers.ts'

export interface ProjectEventDeps {
  /** The typed cache; it holds no object that failed its schema. */
  projects: Pick<TypedCache<BedrockProject>, 'get'>
  queue: Pick<WorkQueue, 'add'>
  tableDirty: Pick<TableDirty, 'mark'>
}

export const objectKey = (object: KubernetesObject): string =>
  `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`

export class ProjectEvents {
  readonly #deps: ProjectEventDeps
  /** What each project last looked like to the filter; status-only echoes are told apart. */
  readonly #seen = new Map<string, ProjectTrigger>()

  constructor(deps: ProjectEventDeps) {
    this.#deps = deps
  }

  readonly onEvent = (object: KubernetesObject, kind: 'add' | 'update' | 'delete'): void => {
    const key = objectKey(object)
    const project = this.#deps.projects.get(
      object.metadata?.name ?? '',
      object.metadata?.namespace ?? '',
    )
    const next = kind === 'delete' || !project ? undefined : projectTrigger(project)
    const previous = this.#seen.get(key)
    if (next) this.#seen.set(key, next)
    else this.#seen.delete(key)
    if (next && next !== previous) this.#deps.queue.add(key)
    this.#deps.tableDirty.mark()
  }
}
