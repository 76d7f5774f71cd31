// Reconciles one BedrockProject: fetch (cache, Bedrock) → pure plan and desired state → apply
// (Bedrock calls, server-side apply of the Secret and the status under one field manager) →
// conditions. This file is the I/O shell; what to do and what to write are decided by plan.ts,
// credentials.ts, credentials-secret.ts, profiles.ts (profileModels) and desired-status.ts.
// Errors reach the status and an Event here, then propagate so the work queue retries with
// backoff; nothing is swallowed.
import { randomBytes } from 'node:crypto'
import type { BedrockProject, BedrockProjectStatus, ModelRoute } from '@strata/crds'
import type { InferenceProfileCalls } from '../../bedrock/inference-profiles.ts'
import { BedrockApiError, type Project } from '../../bedrock/projects-api.ts'
import type { ProjectsClient } from '../../bedrock/projects-client.ts'
import type { KubeClient, ObjectRef } from '../../kube/kube-client.ts'
import type { TypedCache } from '../../kube/typed-cache.ts'
import type { TableDirty } from '../table-dirty.ts'
import type { ReconcileOutcome } from '../work-queue.ts'
import { planCredentials, ROTATE_ANNOTATION, secretName } from './credentials.ts'
import { FRAME_MANAGER, KEY_MANAGER, secretFrame, secretKey } from './credentials-secret.ts'
import {
  desiredStatus,
  failureOf,
  notReady,
  projectFound,
  projectRef,
  ready,
  type ProjectCondition,
  type ProjectFindings,
} from './desired-status.ts'
import { planEvent } from './plan-events.ts'
import { needsTagSync, planProject, type ProjectPlan, type RemoteProject } from './plan.ts'
import { deleteProfiles, profileModels, reconcileProfiles, type ProfileReport } from './profiles.ts'

export const FINALIZER = 'strata.dev/bedrock-project'

/** The Kubernetes writes a project reconcile makes; reads come from the informer cache. */
export type ProjectKube = Pick<
  KubeClient,
  'addFinalizer' | 'removeFinalizer' | 'apply' | 'applyStatus' | 'event'
>

/** The Projects API calls a reconcile makes. */
export type ProjectsApi = Pick<ProjectsClient, 'get' | 'list' | 'create' | 'updateTags' | 'archive'>

export interface BedrockProjectReconcilerDeps {
  kube: ProjectKube
  /** The informer caches: what the reconciler reads of Kubernetes. */
  cache: {
    projects: Pick<TypedCache<BedrockProject>, 'get'>
    routes: Pick<TypedCache<ModelRoute>, 'list'>
  }
  projects: (region: string) => ProjectsApi
  profiles: (region: string) => InferenceProfileCalls
  /** Told whenever the routing table may have to change; the table publisher listens. */
  tableDirty: Pick<TableDirty, 'mark'>
  gatewayBaseUrl: string
  resyncMs: number
  keyGraceSeconds: number
  now: () => Date
  log: (message: string) => void
}

const toRemote = (project: Project): RemoteProject => ({
  id: project.id,
  name: project.name,
  arn: project.arn,
  status: project.status,
  tags: project.tags,
})

const isProjectNotFound = (error: unknown) =>
  error instanceof BedrockApiError && error.status === 404

export class BedrockProjectReconciler {
  readonly #deps: BedrockProjectReconcilerDeps

  constructor(deps: BedrockProjectReconcilerDeps) {
    this.#deps = deps
  }

  async reconcile(key: string): Promise<ReconcileOutcome> {
    const [namespace = '', name = ''] = key.split('/')
    const project = this.#deps.cache.projects.get(name, namespace)
    if (!project) return undefined
    const ref = projectRef(project)
    try {
      return await this.#reconcile(project, ref)
    } catch (error) {
      const { reason, message } = failureOf(error)
      await this.#deps.kube.event(ref, 'Warning', reason, message, 'Reconcile')
      await this.#writeStatus(project, ref, {}, notReady(reason, message)).catch(
        (statusError: unknown) => this.#deps.log(`status of ${key}: ${String(statusError)}`),
      )
      throw error
    }
  }

  async #reconcile(project: BedrockProject, ref: ObjectRef): Promise<ReconcileOutcome> {
    const { kube } = this.#deps
    const { metadata, spec } = project
    const finalizers = metadata.finalizers ?? []
    const deleting = metadata['deletionTimestamp'] !== undefined
    if (!deleting && !finalizers.includes(FINALIZER)) {
      // The finalizer goes on before any Bedrock call, so nothing is ever created that a delete could miss.
      await kube.addFinalizer(ref, FINALIZER, metadata.finalizers)
      return undefined
    }
    if (deleting && !finalizers.includes(FINALIZER)) return undefined

    const projects = this.#deps.projects(spec.region)
    const recordedId = project.status?.projectId
    const byId = recordedId ? await projects.get(recordedId) : undefined
    // The list is read only when nothing is recorded, or the recorded project vanished and may be
    // replaced: a steady reconcile costs one GetProject.
    const lookByName = !recordedId || (!byId && spec.missingProjectPolicy === 'Recreate')
    const byName = lookByName ? (await projects.list()).filter((p) => p.name === spec.name) : []
    const plan = planProject({
      namespace: ref.namespace,
      name: ref.name,
      spec,
      recordedId,
      deleting,
      byId: byId ? toRemote(byId) : undefined,
      byName: byName.map(toRemote),
    })

    if (plan.action === 'release' || plan.action === 'archive') {
      if (plan.action === 'archive') await projects.archive(plan.projectId)
      if (spec.deletionPolicy === 'Archive') await this.#deleteAllProfiles(project, ref)
      await this.#event(ref, planEvent(plan))
      await kube.removeFinalizer(ref, FINALIZER, finalizers)
      this.#deps.tableDirty.mark()
      return undefined
    }
    if (plan.action === 'conflict') {
      await this.#event(ref, planEvent(plan))
      await this.#writeStatus(project, ref, {}, notReady(plan.reason, plan.message))
      // The publisher takes a missing or archived project's routes out of the table.
      this.#deps.tableDirty.mark()
      return { requeueAfterMs: this.#deps.resyncMs }
    }

    let remote: RemoteProject
    try {
      remote = await this.#applyPlan(plan, ref, projects)
    } catch (error) {
      // The recorded project vanished between the read and the tag repair: reconcile again now,
      // which reads it as missing, rather than backing off on a generic error.
      if (plan.action !== 'sync' || !isProjectNotFound(error)) throw error
      this.#deps.log(`Bedrock project ${plan.project.id} of ${ref.namespace}/${ref.name} not found`)
      return { requeueAfterMs: 0 }
    }
    // Status first, before profiles and keys: a crash after this point never loses the project id.
    await this.#writeStatus(project, ref, projectFound(remote), [])
    const profiles = await this.#ensureProfiles(project, ref)
    const keys = await this.#ensureCredentials(project, ref)
    const secret = secretName(ref.name)
    await this.#writeStatus(
      project,
      ref,
      {
        ...projectFound(remote),
        inferenceProfiles: profiles,
        credentialsSecret: secret,
        clientKeys: keys,
      },
      ready(remote.id, secret),
    )
    this.#deps.tableDirty.mark()
    return { requeueAfterMs: this.#deps.resyncMs }
  }

  async #applyPlan(
    plan: Extract<ProjectPlan, { action: 'create' | 'adopt' | 'sync' }>,
    ref: ObjectRef,
    projects: ProjectsApi,
  ): Promise<RemoteProject> {
    if (plan.action === 'create') {
      const created = toRemote(await projects.create(plan.name, plan.tags))
      await this.#event(ref, planEvent(plan, created))
      return created
    }
    let project = plan.project
    if (needsTagSync(plan)) {
      project = toRemote(await projects.updateTags(project.id, plan.tags.add, plan.tags.remove))
      if (plan.action === 'sync') await this.#event(ref, planEvent(plan, project))
    }
    if (plan.action === 'adopt') await this.#event(ref, planEvent(plan, project))
    return project
  }

  #event(ref: ObjectRef, event: ReturnType<typeof planEvent>): Promise<void> {
    return this.#deps.kube.event(ref, event.type, event.reason, event.message, event.action)
  }

  #profileOwner(project: BedrockProject, ref: ObjectRef) {
    return {
      namespace: ref.namespace,
      name: ref.name,
      region: project.spec.region,
      tags: project.spec.tags,
    }
  }

  #report(ref: ObjectRef): ProfileReport {
    return {
      event: (type, reason, message) => this.#deps.kube.event(ref, type, reason, message, 'Update'),
    }
  }

  #ensureProfiles(project: BedrockProject, ref: ObjectRef) {
    return reconcileProfiles(
      this.#deps.profiles(project.spec.region),
      this.#profileOwner(project, ref),
      profileModels(
        this.#deps.cache.routes
          .list(ref.namespace)
          .filter((route) => route.spec.projectRef.name === ref.name),
      ),
      project.status?.inferenceProfiles ?? [],
      this.#report(ref),
    )
  }

  /**
   * An archived project's profiles go with it (deletionPolicy Archive only). A deletion Bedrock
   * refuses is reported by an Event and does not hold the BedrockProject's deletion forever;
   * throttling and outages fail the reconcile, which retries.
   */
  async #deleteAllProfiles(project: BedrockProject, ref: ObjectRef): Promise<void> {
    await deleteProfiles(
      this.#deps.profiles(project.spec.region),
      project.status?.inferenceProfiles ?? [],
      'its project was archived',
      this.#report(ref),
    )
  }

  async #ensureCredentials(project: BedrockProject, ref: ObjectRef) {
    const { kube } = this.#deps
    const name = secretName(ref.name)
    const stored = await kube.apply(
      secretFrame(ref, name, this.#deps.gatewayBaseUrl),
      FRAME_MANAGER,
    )
    const plan = planCredentials({
      existing: { data: stored.data, annotations: stored.metadata.annotations },
      rotateRequest: project.metadata.annotations?.[ROTATE_ANNOTATION],
      baseUrl: this.#deps.gatewayBaseUrl,
      newKey: () => `sk-strata-${randomBytes(32).toString('base64url')}`,
      now: this.#deps.now(),
      graceSeconds: this.#deps.keyGraceSeconds,
    })
    const key = secretKey(stored, plan, name, ref.namespace)
    if (key) await kube.apply(key, KEY_MANAGER)
    if (plan.rotated)
      await kube.event(
        ref,
        'Normal',
        'KeyRotated',
        `new key in Secret ${name}; the previous key stays valid for ${this.#deps.keyGraceSeconds} s`,
        'Rotate',
      )
    return plan.keys
  }

  async #writeStatus(
    project: BedrockProject,
    ref: ObjectRef,
    findings: ProjectFindings,
    conditions: ProjectCondition[],
  ): Promise<void> {
    const status: BedrockProjectStatus = desiredStatus(
      project,
      findings,
      conditions,
      this.#deps.now(),
    )
    await this.#deps.kube.applyStatus(ref, status)
  }
}
