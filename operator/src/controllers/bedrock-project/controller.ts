// Reconciles one BedrockProject: fetch → pure plan → act on Bedrock → credentials Secret →
// status with conditions. Errors reach the status and an Event here, then propagate so the work
// queue retries with backoff; nothing is swallowed.
import { randomBytes } from 'node:crypto'
import {
  BEDROCK_PROJECT_KIND,
  BEDROCK_PROJECT_PLURAL,
  type BedrockProject,
  type ModelRoute,
} from '@strata/crds'
import { BedrockApiError, type Project } from '../../bedrock/projects-api.ts'
import type { ProjectsClient } from '../../bedrock/projects-client.ts'
import type { InferenceProfiles } from '../../bedrock/inference-profiles.ts'
import { describeError } from '../../kube/errors.ts'
import type { KubeClient, ObjectRef } from '../../kube/kube-client.ts'
import type { ReconcileOutcome } from '../work-queue.ts'
import { nextConditions, type ConditionUpdate } from '../conditions.ts'
import { planCredentials, ROTATE_ANNOTATION, secretName } from './credentials.ts'
import { FRAME_MANAGER, KEY_MANAGER, secretFrame, secretKey } from './credentials-secret.ts'
import { planProject, type ProjectPlan, type RemoteProject } from './plan.ts'
import { deleteProfiles, profileModels, reconcileProfiles, type ProfileReport } from './profiles.ts'

export const FINALIZER = 'strata.dev/bedrock-project'

export interface BedrockProjectControllerDeps {
  kube: KubeClient
  getProject: (namespace: string, name: string) => BedrockProject | undefined
  routesOf: (namespace: string, projectName: string) => ModelRoute[]
  projects: (region: string) => ProjectsClient
  profiles: (region: string) => InferenceProfiles
  /** Something changed that the routing table reflects. */
  onChanged: () => void
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

function reasonAndMessage(error: unknown): { reason: string; message: string } {
  if (error instanceof BedrockApiError) return { reason: error.reason, message: error.message }
  return {
    reason: 'ReconcileError',
    message: describeError(error),
  }
}

export class BedrockProjectController {
  readonly #deps: BedrockProjectControllerDeps

  constructor(deps: BedrockProjectControllerDeps) {
    this.#deps = deps
  }

  async reconcile(key: string): Promise<ReconcileOutcome> {
    const [namespace = '', name = ''] = key.split('/')
    const project = this.#deps.getProject(namespace, name)
    if (!project) return undefined
    const ref: ObjectRef = {
      plural: BEDROCK_PROJECT_PLURAL,
      kind: BEDROCK_PROJECT_KIND,
      namespace,
      name,
      uid: project.metadata.uid,
    }
    try {
      return await this.#reconcile(project, ref)
    } catch (error) {
      const { reason, message } = reasonAndMessage(error)
      await this.#deps.kube.event(ref, 'Warning', reason, message, 'Reconcile')
      await this.#writeStatus(project, ref, {}, [
        { type: 'Ready', status: false, reason, message },
        { type: 'ProjectSynced', status: false, reason, message },
      ]).catch((statusError: unknown) => this.#deps.log(`status of ${key}: ${String(statusError)}`))
      throw error
    }
  }

  async #reconcile(project: BedrockProject, ref: ObjectRef): Promise<ReconcileOutcome> {
    const { kube } = this.#deps
    const { metadata, spec } = project
    const finalizers = (metadata['finalizers'] as string[] | undefined) ?? []
    const deleting = metadata['deletionTimestamp'] !== undefined
    if (!deleting && !finalizers.includes(FINALIZER)) {
      // The finalizer goes on before any Bedrock call, so nothing is ever created that a delete could miss.
      await kube.addFinalizer(ref, FINALIZER, metadata['finalizers'] as string[] | undefined)
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
      await kube.event(
        ref,
        'Normal',
        plan.action === 'archive' ? 'ProjectArchived' : 'ProjectRetained',
        plan.action === 'archive' ? `archived Bedrock project ${plan.projectId}` : plan.message,
        'Delete',
      )
      await kube.removeFinalizer(ref, FINALIZER, finalizers)
      this.#deps.onChanged()
      return undefined
    }
    if (plan.action === 'conflict') {
      await kube.event(ref, 'Warning', plan.reason, plan.message, 'Reconcile')
      await this.#writeStatus(project, ref, {}, [
        { type: 'Ready', status: false, reason: plan.reason, message: plan.message },
        { type: 'ProjectSynced', status: false, reason: plan.reason, message: plan.message },
      ])
      // The publisher takes a missing or archived project's routes out of the table.
      this.#deps.onChanged()
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
    await this.#writeStatus(
      project,
      ref,
      { projectId: remote.id, ...(remote.arn ? { projectArn: remote.arn } : {}) },
      [],
    )
    const profiles = await this.#ensureProfiles(project, ref)
    const keys = await this.#ensureCredentials(project, ref)
    await this.#writeStatus(
      project,
      ref,
      {
        projectId: remote.id,
        ...(remote.arn ? { projectArn: remote.arn } : {}),
        inferenceProfiles: profiles,
        credentialsSecret: secretName(ref.name),
        clientKeys: keys,
      },
      [
        {
          type: 'ProjectSynced',
          status: true,
          reason: 'Synced',
          message: `Bedrock project ${remote.id} is active with the declared tags`,
        },
        {
          type: 'CredentialsReady',
          status: true,
          reason: 'SecretWritten',
          message: `Secret ${secretName(ref.name)} holds OPENAI_BASE_URL and OPENAI_API_KEY`,
        },
        { type: 'Ready', status: true, reason: 'Ready', message: '' },
      ],
    )
    this.#deps.onChanged()
    return { requeueAfterMs: this.#deps.resyncMs }
  }

  async #applyPlan(
    plan: Extract<ProjectPlan, { action: 'create' | 'adopt' | 'sync' }>,
    ref: ObjectRef,
    projects: ProjectsClient,
  ): Promise<RemoteProject> {
    const { kube } = this.#deps
    if (plan.action === 'create') {
      const created = toRemote(await projects.create(plan.name, plan.tags))
      await kube.event(
        ref,
        'Normal',
        plan.replaces ? 'ProjectRecreated' : 'ProjectCreated',
        plan.replaces
          ? `created Bedrock project ${created.id} in place of ${plan.replaces}, which no longer exists`
          : `created Bedrock project ${created.id}`,
        'Create',
      )
      return created
    }
    const { add, remove } = plan.tags
    let project = plan.project
    if (Object.keys(add).length > 0 || remove.length > 0) {
      project = toRemote(await projects.updateTags(project.id, add, remove))
      if (plan.action === 'sync')
        await kube.event(
          ref,
          'Normal',
          'TagsRepaired',
          `tags changed outside Strata were restored (added or fixed ${Object.keys(add).join(', ') || 'none'}; removed ${remove.join(', ') || 'none'})`,
          'Update',
        )
    }
    if (plan.action === 'adopt')
      await kube.event(
        ref,
        'Normal',
        'ProjectAdopted',
        plan.replaces
          ? `adopted existing Bedrock project ${project.id} in place of ${plan.replaces}, which no longer exists`
          : `adopted existing Bedrock project ${project.id}`,
        'Adopt',
      )
    return project
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
      profileModels(this.#deps.routesOf(ref.namespace, ref.name)),
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
    fields: Record<string, unknown>,
    conditions: ConditionUpdate[],
  ): Promise<void> {
    const generation = project.metadata.generation ?? 0
    const current = project.status ?? {}
    await this.#deps.kube.applyStatus(ref, {
      ...current,
      ...fields,
      observedGeneration: generation,
      conditions: nextConditions(current.conditions, conditions, generation, this.#deps.now()),
    })
  }
}
