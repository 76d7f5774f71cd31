// Reconciles one BedrockProject: fetch → pure plan → act on Bedrock → credentials Secret →
// status with conditions. Errors reach the status and an Event here, then propagate so the work
// queue retries with backoff; nothing is swallowed.
import { randomBytes } from 'node:crypto'
import type { V1Secret } from '@kubernetes/client-node'
import type { BedrockProject, InferenceProfile, ModelRoute } from '@strata/crds'
import { BedrockApiError, type Project } from '../../bedrock/projects-api.ts'
import type { ProjectsClient } from '../../bedrock/projects-client.ts'
import type { InferenceProfiles } from '../../bedrock/inference-profiles.ts'
import type { KubeClient, ObjectRef } from '../../kube/kube-client.ts'
import type { ReconcileOutcome } from '../work-queue.ts'
import { nextConditions, type ConditionUpdate } from '../conditions.ts'
import { planCredentials, ROTATE_ANNOTATION, secretName } from './credentials.ts'
import { planProject, type ProjectPlan, type RemoteProject } from './plan.ts'

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

// AWS SDK errors carry the HTTP status; 4xx other than throttling means retrying cannot help.
function isClientError(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata
    ?.httpStatusCode
  return status !== undefined && status >= 400 && status < 500 && status !== 429
}

function describeError(error: unknown): { reason: string; message: string } {
  if (error instanceof BedrockApiError) return { reason: error.reason, message: error.message }
  return {
    reason: 'ReconcileError',
    message: error instanceof Error ? error.message : String(error),
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
      plural: 'bedrockprojects',
      kind: 'BedrockProject',
      namespace,
      name,
      uid: project.metadata.uid,
    }
    try {
      return await this.#reconcile(project, ref)
    } catch (error) {
      const { reason, message } = describeError(error)
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
    const byName = recordedId ? [] : (await projects.list()).filter((p) => p.name === spec.name)
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
      return { requeueAfterMs: this.#deps.resyncMs }
    }

    const remote = await this.#applyPlan(plan, ref, projects)
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
        'ProjectCreated',
        `created Bedrock project ${created.id}`,
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
        `adopted existing Bedrock project ${project.id}`,
        'Adopt',
      )
    return project
  }

  async #ensureProfiles(project: BedrockProject, ref: ObjectRef): Promise<InferenceProfile[]> {
    const models = new Set<string>()
    for (const route of this.#deps.routesOf(ref.namespace, ref.name))
      for (const backend of route.spec.backends)
        if (backend.kind === 'converse' && !backend.modelId.startsWith('arn:'))
          models.add(backend.modelId)
    const known = new Map(
      (project.status?.inferenceProfiles ?? []).map((profile) => [profile.modelId, profile.arn]),
    )
    const profiles = this.#deps.profiles(project.spec.region)
    const result: InferenceProfile[] = []
    for (const modelId of [...models].sort()) {
      const owner = {
        namespace: ref.namespace,
        name: ref.name,
        region: project.spec.region,
        tags: project.spec.tags,
      }
      try {
        result.push({ modelId, arn: known.get(modelId) ?? (await profiles.ensure(owner, modelId)) })
      } catch (error) {
        // One route naming a model Bedrock refuses must not take the whole project down; the
        // route itself reports ModelNotFound. Throttling and outages still fail the reconcile.
        if (!isClientError(error)) throw error
        const message = `no inference profile for ${modelId}: ${error instanceof Error ? error.message : String(error)}`
        await this.#deps.kube.event(ref, 'Warning', 'InferenceProfileRefused', message, 'Create')
      }
    }
    return result
  }

  async #ensureCredentials(project: BedrockProject, ref: ObjectRef) {
    const name = secretName(ref.name)
    const existing = await this.#deps.kube.read<V1Secret & { metadata: { name: string } }>({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, namespace: ref.namespace },
    })
    const plan = planCredentials({
      existing: existing
        ? {
            data: existing.data,
            annotations: existing.metadata.annotations,
          }
        : undefined,
      rotateRequest: project.metadata.annotations?.[ROTATE_ANNOTATION],
      baseUrl: this.#deps.gatewayBaseUrl,
      newKey: () => `sk-strata-${randomBytes(32).toString('base64url')}`,
      now: this.#deps.now(),
      graceSeconds: this.#deps.keyGraceSeconds,
    })
    await this.#deps.kube.apply({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name,
        namespace: ref.namespace,
        annotations: plan.annotations,
        labels: {
          'app.kubernetes.io/managed-by': 'strata-operator',
          'strata.dev/project': ref.name,
        },
        ownerReferences: [
          {
            apiVersion: 'strata.dev/v1alpha1',
            kind: 'BedrockProject',
            name: ref.name,
            uid: ref.uid ?? '',
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      type: 'Opaque',
      stringData: plan.stringData,
    })
    if (plan.rotated)
      await this.#deps.kube.event(
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
