// An in-memory stand-in for the Kubernetes writes a BedrockProject reconcile makes, for unit tests
// of the reconciler. It keeps what the apiserver would: the project (finalizers and status, which
// reconciler reads back through `get` as the informer cache would hold it), and the Secret as
// the merge of what each field manager applied, which is how the real server-side apply answers.
// The real apiserver is exercised by test/cluster; this checks the reconciler's own decisions.
import type { KubernetesObject } from '@kubernetes/client-node'
import type { BedrockProject, BedrockProjectStatus, ModelRouteStatus } from '@strata/crds'
import type { ObjectRef } from '../src/kube/kube-client.ts'
import type { ProjectKube } from '../src/controllers/bedrock-project/reconciler.ts'

export interface RecordedEvent {
  type: 'Normal' | 'Warning'
  reason: string
  note: string
  action: string
}

interface StoredSecret extends KubernetesObject {
  data?: Record<string, string>
}

export class FakeKube implements ProjectKube {
  readonly projects = new Map<string, BedrockProject>()
  readonly secrets = new Map<string, StoredSecret>()
  readonly events: RecordedEvent[] = []
  readonly statusWrites: BedrockProjectStatus[] = []
  /** Field managers that applied each Secret, in order. */
  readonly secretManagers: string[] = []

  put(project: BedrockProject): void {
    this.projects.set(`${project.metadata.namespace ?? ''}/${project.metadata.name ?? ''}`, project)
  }

  /** The project as the informer cache would hold it (TypedCache's argument order). */
  get(name: string, namespace: string): BedrockProject | undefined {
    return this.projects.get(`${namespace}/${name}`)
  }

  #project(ref: ObjectRef): BedrockProject {
    const project = this.get(ref.name, ref.namespace)
    if (!project) throw new Error(`no BedrockProject ${ref.namespace}/${ref.name}`)
    return project
  }

  addFinalizer(ref: ObjectRef, finalizer: string, current: string[] | undefined): Promise<void> {
    const project = this.#project(ref)
    if (JSON.stringify(project.metadata.finalizers) !== JSON.stringify(current))
      return Promise.reject(
        new Error('finalizers changed concurrently (the JSON patch test fails)'),
      )
    this.put({
      ...project,
      metadata: { ...project.metadata, finalizers: [...(current ?? []), finalizer] },
    })
    return Promise.resolve()
  }

  removeFinalizer(ref: ObjectRef, finalizer: string, current: string[]): Promise<void> {
    const project = this.#project(ref)
    this.put({
      ...project,
      metadata: { ...project.metadata, finalizers: current.filter((f) => f !== finalizer) },
    })
    return Promise.resolve()
  }

  applyStatus(ref: ObjectRef, status: BedrockProjectStatus | ModelRouteStatus): Promise<void> {
    const project = this.#project(ref)
    // Only BedrockProjects pass through a project reconcile.
    const written: BedrockProjectStatus = { ...status }
    this.statusWrites.push(written)
    this.put({ ...project, status: written })
    return Promise.resolve()
  }

  apply<T extends KubernetesObject>(object: T, fieldManager = 'strata-operator'): Promise<T> {
    const key = `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`
    const previous = this.secrets.get(key)
    const incoming: StoredSecret = structuredClone(object)
    const merged: StoredSecret = {
      ...previous,
      ...incoming,
      metadata: {
        name: incoming.metadata?.name ?? '',
        namespace: incoming.metadata?.namespace ?? '',
        labels: { ...previous?.metadata?.labels, ...incoming.metadata?.labels },
        annotations: { ...previous?.metadata?.annotations, ...incoming.metadata?.annotations },
        ownerReferences:
          incoming.metadata?.ownerReferences ?? previous?.metadata?.ownerReferences ?? [],
      },
      data: { ...previous?.data, ...incoming.data },
    }
    this.secrets.set(key, merged)
    this.secretManagers.push(fieldManager)
    return Promise.resolve(structuredClone(merged) as T)
  }

  event(
    _ref: ObjectRef,
    type: 'Normal' | 'Warning',
    reason: string,
    note: string,
    action: string,
  ): Promise<void> {
    this.events.push({ type, reason, note, action })
    return Promise.resolve()
  }
}
