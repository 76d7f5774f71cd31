// Which ModelRoutes the routing table serves, and why not the others: each route's Accepted and
// ResolvedRefs outcome, from the projects the operator knows and every other route. Decided over
// all routes at once because an alias conflict is only visible across them (the oldest route
// keeps the alias). Pure; routing/compile-table.ts puts the admitted routes in the table and
// desired-status.ts turns an outcome into conditions.
import type { ModelRouteSpec } from '@strata/crds'
import type { RolloutWeights } from '../rollout/rollout-weights.ts'

/** What the outcome of a route depends on in its project. */
export interface RouteProject {
  namespace: string
  name: string
  region: string
  /** Set once Bedrock has the project; routes of a project without one do not resolve. */
  projectId: string | undefined
  /**
   * Why the recorded project cannot serve (it vanished, or was archived outside Strata): its
   * routes do not resolve and it stays out of the table, so no gateway calls Bedrock with it.
   */
  unavailable?: { reason: string; message: string } | undefined
  /** Application inference profile ARN per Converse model id. */
  profiles: Record<string, string>
}

export interface RouteInput {
  namespace: string
  name: string
  /** ISO time; the older route wins an alias conflict. */
  creationTimestamp: string
  spec: ModelRouteSpec
  /** What a declared rollout does to the pair's weights now (rollout/rollout-weights.ts). */
  rollout?: RolloutWeights | undefined
}

interface Verdict {
  status: boolean
  reason: string
  message: string
}

export interface RouteOutcome {
  accepted: Verdict
  resolvedRefs: Verdict
}

/** Whether Bedrock offers a Converse model in a region; undefined when it cannot tell. */
export type ModelExists = (region: string, modelId: string) => boolean | undefined

export const routeKey = (namespace: string, name: string): string => `${namespace}/${name}`

/** A route the table serves: accepted, with its references resolved. */
export const isAdmitted = (outcome: RouteOutcome | undefined): boolean =>
  outcome !== undefined && outcome.accepted.status && outcome.resolvedRefs.status

const ok = (reason: string, message = ''): Verdict => ({ status: true, reason, message })
const no = (reason: string, message: string): Verdict => ({ status: false, reason, message })

function byAge(a: RouteInput, b: RouteInput): number {
  return a.creationTimestamp.localeCompare(b.creationTimestamp) || a.name.localeCompare(b.name)
}

/** Why a route cannot resolve in its project, or undefined when it can. */
function unresolved(
  route: RouteInput,
  project: RouteProject,
  modelExists: ModelExists,
): Verdict | undefined {
  const projectName = route.spec.projectRef.name
  if (project.unavailable)
    return no(
      project.unavailable.reason,
      `BedrockProject ${projectName}: ${project.unavailable.message}`,
    )
  if (!project.projectId)
    return no('ProjectNotReady', `BedrockProject ${projectName} has no Bedrock project yet`)
  const missingModels = route.spec.backends.filter(
    (b) => b.kind === 'converse' && modelExists(b.region ?? project.region, b.modelId) === false,
  )
  if (missingModels.length > 0)
    return no(
      'ModelNotFound',
      missingModels
        .map((b) => `Bedrock offers no model ${b.modelId} in ${b.region ?? project.region}`)
        .join('; '),
    )
  return undefined
}

/** Every route's outcome, keyed by routeKey. */
export function routeOutcomes(
  projects: readonly RouteProject[],
  routes: readonly RouteInput[],
  modelExists: ModelExists = () => undefined,
): Map<string, RouteOutcome> {
  const outcomes = new Map<string, RouteOutcome>()
  const projectsByKey = new Map(
    projects.map((project) => [routeKey(project.namespace, project.name), project]),
  )
  const aliasOwner = new Map<string, RouteInput>()
  for (const route of [...routes].sort(byAge)) {
    const key = routeKey(route.namespace, route.name)
    const projectKey = routeKey(route.namespace, route.spec.projectRef.name)
    const project = projectsByKey.get(projectKey)
    if (!project) {
      outcomes.set(key, {
        accepted: ok('Accepted'),
        resolvedRefs: no(
          'ProjectNotFound',
          `BedrockProject ${route.spec.projectRef.name} not found in namespace ${route.namespace}`,
        ),
      })
      continue
    }
    const refused = unresolved(route, project, modelExists)
    if (refused) {
      outcomes.set(key, { accepted: ok('Accepted'), resolvedRefs: refused })
      continue
    }
    const aliasKey = `${projectKey}\u0000${route.spec.model}`
    const owner = aliasOwner.get(aliasKey)
    if (owner) {
      outcomes.set(key, {
        accepted: no(
          'AliasConflict',
          `model alias "${route.spec.model}" in project ${project.name} is already served by the older ModelRoute ${owner.name}`,
        ),
        resolvedRefs: ok('ResolvedRefs'),
      })
      continue
    }
    aliasOwner.set(aliasKey, route)
    const missingProfiles = route.spec.backends.filter(
      (b) => b.kind === 'converse' && !project.profiles[b.modelId],
    )
    outcomes.set(key, {
      accepted: ok('Accepted'),
      resolvedRefs: missingProfiles.length
        ? ok(
            'ResolvedRefs',
            `waiting for inference profiles of ${missingProfiles.map((b) => b.modelId).join(', ')}; served without cost attribution meanwhile`,
          )
        : ok('ResolvedRefs'),
    })
  }
  return outcomes
}
