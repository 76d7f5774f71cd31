// What, in a watch event, tells a change the operator must act on from the echo of its own status
// write. Pure; the event handlers (bedrock-project/events.ts, model-route/events.ts) keep the last
// value per object and compare.
import type { BedrockProject, ModelRoute } from '@strata/crds'
import { ROTATE_ANNOTATION } from './bedrock-project/credentials.ts'
import { profileModels } from './bedrock-project/profiles.ts'
import { rolloutWeights } from './rollout/rollout-weights.ts'

/** A string that changes exactly when a BedrockProject needs reconciling. */
export type ProjectTrigger = string

export function projectTrigger(project: BedrockProject): ProjectTrigger {
  const { metadata } = project
  return JSON.stringify([
    metadata.generation,
    metadata['deletionTimestamp'] ?? null,
    metadata.finalizers ?? [],
    metadata.annotations?.[ROTATE_ANNOTATION] ?? null,
  ])
}

export interface RouteTrigger {
  generation: number | undefined
  /** The key (namespace/name) of the route's BedrockProject. */
  project: string
  /** The models it needs an inference profile for. */
  models: string[]
  /** What its rollout does to the table now: a status write that changes it must republish. */
  rollout: string
}

export function routeTrigger(route: ModelRoute): RouteTrigger {
  return {
    generation: route.metadata.generation,
    project: `${route.metadata.namespace ?? ''}/${route.spec.projectRef.name}`,
    models: profileModels([route]),
    rollout: JSON.stringify(rolloutWeights(route.spec.rollout, route.status?.rollout) ?? null),
  }
}

/**
 * The projects whose inference profiles a route change may alter: its project when it needs a
 * model the project has no profile for yet, and the project it left or dropped a model from (that
 * profile may now be unused). Adding routes to models already served costs no reconcile.
 */
export function projectsToReconcile(
  previous: RouteTrigger | undefined,
  next: RouteTrigger | undefined,
  profiledModels: (project: string) => ReadonlySet<string>,
): string[] {
  const projects = new Set<string>()
  if (next) {
    const have = profiledModels(next.project)
    if (next.models.some((model) => !have.has(model))) projects.add(next.project)
  }
  if (previous) {
    const kept = next?.project === previous.project ? new Set(next.models) : new Set<string>()
    if (previous.models.some((model) => !kept.has(model))) projects.add(previous.project)
  }
  return [...projects]
}
