// What one reconcile of a BedrockProject must do to Bedrock, decided from what was read. Pure: the
// controller fetches, asks this, then acts. Crash safety lives here: a project created but never
// written to status is found again by name and adopted, never created twice. A recorded project
// that no longer exists is found again the same way under missingProjectPolicy Recreate.
import {
  desiredTags,
  diffTags,
  isEmptyDiff,
  OWNER_TAG,
  ownerValue,
  type TagDiff,
  type Tags,
} from '../../bedrock/tags.ts'

export interface RemoteProject {
  id: string
  name: string
  arn?: string | undefined
  status: string
  tags: Tags
}

export interface PlanInput {
  namespace: string
  name: string
  spec: {
    name: string
    tags: Tags
    deletionPolicy: 'Archive' | 'Retain'
    missingProjectPolicy: 'Recreate' | 'Report'
  }
  /** status.projectId, when an earlier reconcile recorded one. */
  recordedId: string | undefined
  deleting: boolean
  /** The project with recordedId, or undefined when there is none or it was not found. */
  byId: RemoteProject | undefined
  /** Projects with spec.name, from a list; consulted when nothing (or a vanished one) is recorded. */
  byName: RemoteProject[]
}

export type ProjectPlan =
  | { action: 'create'; name: string; tags: Tags; replaces?: string }
  | { action: 'adopt'; project: RemoteProject; tags: TagDiff; replaces?: string }
  | { action: 'sync'; project: RemoteProject; tags: TagDiff }
  | {
      action: 'conflict'
      reason: 'ProjectArchived' | 'ProjectOwnedElsewhere' | 'ProjectMissing'
      message: string
    }
  | { action: 'archive'; projectId: string }
  | { action: 'release'; message: string }

export function planProject(input: PlanInput): ProjectPlan {
  const { namespace, name, spec } = input
  const tags = desiredTags(spec.tags, namespace, name)
  const owner = ownerValue(namespace, name)

  if (input.deleting) {
    const project = input.byId
    if (spec.deletionPolicy === 'Retain')
      return { action: 'release', message: 'deletionPolicy Retain: project left active' }
    if (!project || project.status === 'archived')
      return { action: 'release', message: 'project already archived or gone' }
    return { action: 'archive', projectId: project.id }
  }

  if (input.recordedId !== undefined) {
    const project = input.byId
    if (!project && spec.missingProjectPolicy === 'Recreate') {
      const found = planByName(input, tags, owner)
      return found.action === 'create' || found.action === 'adopt'
        ? { ...found, replaces: input.recordedId }
        : found
    }
    if (!project) {
      return {
        action: 'conflict',
        reason: 'ProjectMissing',
        message: `Bedrock project ${input.recordedId} recorded in status no longer exists; its routes are out of the routing table. Set missingProjectPolicy: Recreate to provision a new one`,
      }
    }
    if (project.status === 'archived') {
      return {
        action: 'conflict',
        reason: 'ProjectArchived',
        message: `Bedrock project ${project.id} was archived outside Strata; archived projects cannot serve inference`,
      }
    }
    return { action: 'sync', project, tags: diffTags(tags, project.tags) }
  }
  return planByName(input, tags, owner)
}

function planByName(input: PlanInput, tags: Tags, owner: string): ProjectPlan {
  const { spec } = input
  const active = input.byName.filter(
    (project) => project.name === spec.name && project.status === 'active',
  )
  const ours = active.find((project) => project.tags[OWNER_TAG] === owner)
  const unowned = active.find((project) => project.tags[OWNER_TAG] === undefined)
  const adoptable = ours ?? unowned
  if (adoptable)
    return { action: 'adopt', project: adoptable, tags: diffTags(tags, adoptable.tags) }
  const other = active[0]
  if (other) {
    return {
      action: 'conflict',
      reason: 'ProjectOwnedElsewhere',
      message: `an active Bedrock project named "${spec.name}" (${other.id}) belongs to ${other.tags[OWNER_TAG] ?? 'another owner'}`,
    }
  }
  return { action: 'create', name: spec.name, tags }
}

export function needsTagSync(plan: ProjectPlan): boolean {
  return (plan.action === 'adopt' || plan.action === 'sync') && !isEmptyDiff(plan.tags)
}
