// What the table compiler reads of each cached object. Pure. A project whose recorded Bedrock
// project vanished or was archived outside Strata says so in its ProjectSynced condition (set by
// the BedrockProject reconciler); its routes then leave the table.
import type { BedrockProject, ModelRoute } from '@strata/crds'
import type { RouteInput } from '../controllers/model-route/route-outcomes.ts'
import type { ProjectInput } from './compile-table.ts'
import { rolloutWeights } from '../controllers/rollout/rollout-weights.ts'

// The reasons planProject gives when the recorded project can no longer serve inference.
const unservable = new Set(['ProjectMissing', 'ProjectArchived'])

function unavailableOf(project: BedrockProject): ProjectInput['unavailable'] {
  const synced = project.status?.conditions?.find((c) => c.type === 'ProjectSynced')
  if (synced?.status !== 'False' || !unservable.has(synced.reason)) return undefined
  return { reason: synced.reason, message: synced.message }
}

export function projectInput(project: BedrockProject): ProjectInput {
  const { status, spec, metadata } = project
  return {
    namespace: metadata.namespace ?? '',
    name: metadata.name ?? '',
    region: spec.region,
    projectId: status?.projectId,
    unavailable: unavailableOf(project),
    projectArn: status?.projectArn,
    tags: spec.tags,
    keys: status?.clientKeys ?? [],
    ...(spec.access ? { access: spec.access } : {}),
    ...(spec.guardrail ? { guardrail: spec.guardrail } : {}),
    profiles: Object.fromEntries(
      (status?.inferenceProfiles ?? []).map((profile) => [profile.modelId, profile.arn]),
    ),
    limits: spec.limits,
    budgets: spec.budgets,
  }
}

// Custom objects come back as plain JSON, so timestamps are strings; a Date is tolerated too.
function timestamp(value: unknown): string {
  if (typeof value === 'string') return value
  return value instanceof Date ? value.toISOString() : ''
}

export function routeInput(route: ModelRoute): RouteInput {
  return {
    namespace: route.metadata.namespace ?? '',
    name: route.metadata.name ?? '',
    creationTimestamp: timestamp(route.metadata['creationTimestamp']),
    spec: route.spec,
    rollout: rolloutWeights(route.spec.rollout, route.status?.rollout),
  }
}
