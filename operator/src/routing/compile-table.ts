// Compiles the routing table from what the operator knows: ready projects, their client keys and
// inference profiles, and the routes that point at them. Pure; it also decides each route's
// Accepted/ResolvedRefs outcome, because alias conflicts are only visible across all routes.
import type {
  BedrockProjectSpec,
  Budget,
  ClientKey,
  Guardrail,
  ModelRouteSpec,
  ProjectLimits,
  RoutingTableInput,
} from '@strata/crds'

type TableProject = RoutingTableInput['projects'][number]
type TableRoute = TableProject['routes'][number]

export interface ProjectInput {
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
  projectArn: string | undefined
  tags: Record<string, string>
  keys: ClientKey[]
  /** Application inference profile ARN per Converse model id. */
  profiles: Record<string, string>
  /** Project-wide rate limits and budgets, enforced by the gateway (docs/limits.md). */
  limits?: ProjectLimits | undefined
  budgets?: Budget[] | undefined
  /** spec.access: who may call with a ServiceAccount token (the gateway's TokenReview mapping). */
  access?: BedrockProjectSpec['access']
  guardrail?: Guardrail | undefined
}

export interface RouteInput {
  namespace: string
  name: string
  /** ISO time; the older route wins an alias conflict. */
  creationTimestamp: string
  spec: ModelRouteSpec
}

export interface RouteOutcome {
  accepted: { status: boolean; reason: string; message: string }
  resolvedRefs: { status: boolean; reason: string; message: string }
}

export interface CompiledTable {
  projects: TableProject[]
  outcomes: Map<string, RouteOutcome>
}

export const routeKey = (namespace: string, name: string): string => `${namespace}/${name}`

const ok = (reason: string, message = '') => ({ status: true, reason, message })
const no = (reason: string, message: string) => ({ status: false, reason, message })

function byAge(a: RouteInput, b: RouteInput): number {
  return a.creationTimestamp.localeCompare(b.creationTimestamp) || a.name.localeCompare(b.name)
}

// Only the fields that are set, so a table without limits stays byte-identical to before.
function rateLimitsOf(limits: ProjectLimits | undefined): ProjectLimits {
  return {
    ...(limits?.requestsPerMinute !== undefined
      ? { requestsPerMinute: limits.requestsPerMinute }
      : {}),
    ...(limits?.tokensPerMinute !== undefined ? { tokensPerMinute: limits.tokensPerMinute } : {}),
    ...(limits?.failClosed !== undefined ? { failClosed: limits.failClosed } : {}),
  }
}

function limitsEntry(limits: ProjectLimits | undefined): { limits?: ProjectLimits } {
  const copied = rateLimitsOf(limits)
  return Object.keys(copied).length > 0 ? { limits: copied } : {}
}

function tableRoute(route: RouteInput, project: ProjectInput): TableRoute {
  const { spec } = route
  const limits = {
    ...(spec.limits?.maxOutputTokens !== undefined
      ? { maxOutputTokens: spec.limits.maxOutputTokens }
      : {}),
    ...(spec.limits?.maxReasoningPercent !== undefined
      ? { maxReasoningPercent: spec.limits.maxReasoningPercent }
      : {}),
    ...(spec.limits?.timeouts !== undefined && Object.keys(spec.limits.timeouts).length > 0
      ? { timeouts: spec.limits.timeouts }
      : {}),
    ...(spec.limits?.retryBudgetPercent !== undefined
      ? { retryBudgetPercent: spec.limits.retryBudgetPercent }
      : {}),
    ...rateLimitsOf(spec.limits),
  }
  return {
    name: route.name,
    namespace: route.namespace,
    model: spec.model,
    backends: spec.backends.map((backend) => {
      const profileArn = backend.kind === 'converse' ? project.profiles[backend.modelId] : undefined
      return {
        ...(backend.name ? { name: backend.name } : {}),
        kind: backend.kind,
        modelId: backend.modelId,
        region: backend.region ?? project.region,
        weight: backend.weight,
        priority: backend.priority,
        ...(profileArn ? { profileArn } : {}),
        ...(backend.family ? { family: backend.family } : {}),
      }
    }),
    ...(Object.keys(limits).length > 0 ? { limits } : {}),
    ...(spec.defaults ? { defaults: spec.defaults } : {}),
    ...(spec.strict ? { strict: true } : {}),
    ...(spec.sticky ? { sticky: spec.sticky } : {}),
    ...(spec.shadow ? { shadow: spec.shadow } : {}),
    ...(spec.breaker ? { breaker: spec.breaker } : {}),
    ...(spec.guardrail ? { guardrail: spec.guardrail } : {}),
  }
}

// Only the lists the gateway reads; empty lists are left out so the table stays small.
function tableAccess(access: NonNullable<BedrockProjectSpec['access']>) {
  return {
    ...(access.serviceAccounts?.length ? { serviceAccounts: access.serviceAccounts } : {}),
    ...(access.namespaces?.length ? { namespaces: access.namespaces } : {}),
  }
}

/** Whether Bedrock offers a Converse model in a region; undefined when it cannot tell. */
export type ModelExists = (region: string, modelId: string) => boolean | undefined

export function compileTable(
  projects: ProjectInput[],
  routes: RouteInput[],
  modelExists: ModelExists = () => undefined,
): CompiledTable {
  const outcomes = new Map<string, RouteOutcome>()
  const projectsByKey = new Map(
    projects.map((project) => [routeKey(project.namespace, project.name), project]),
  )
  const routesByProject = new Map<string, TableRoute[]>()
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
    if (project.unavailable) {
      outcomes.set(key, {
        accepted: ok('Accepted'),
        resolvedRefs: no(
          project.unavailable.reason,
          `BedrockProject ${route.spec.projectRef.name}: ${project.unavailable.message}`,
        ),
      })
      continue
    }
    if (!project.projectId) {
      outcomes.set(key, {
        accepted: ok('Accepted'),
        resolvedRefs: no(
          'ProjectNotReady',
          `BedrockProject ${route.spec.projectRef.name} has no Bedrock project yet`,
        ),
      })
      continue
    }
    const missingModels = route.spec.backends.filter(
      (b) => b.kind === 'converse' && modelExists(b.region ?? project.region, b.modelId) === false,
    )
    if (missingModels.length > 0) {
      outcomes.set(key, {
        accepted: ok('Accepted'),
        resolvedRefs: no(
          'ModelNotFound',
          missingModels
            .map((b) => `Bedrock offers no model ${b.modelId} in ${b.region ?? project.region}`)
            .join('; '),
        ),
      })
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
    const list = routesByProject.get(projectKey) ?? []
    list.push(tableRoute(route, project))
    routesByProject.set(projectKey, list)
  }

  const tableProjects = projects
    .filter(
      (project): project is ProjectInput & { projectId: string } =>
        project.projectId !== undefined && !project.unavailable,
    )
    .sort((a, b) => routeKey(a.namespace, a.name).localeCompare(routeKey(b.namespace, b.name)))
    .map((project) => ({
      name: project.name,
      namespace: project.namespace,
      projectId: project.projectId,
      ...(project.projectArn ? { projectArn: project.projectArn } : {}),
      tags: project.tags,
      keys: project.keys,
      ...limitsEntry(project.limits),
      ...(project.budgets?.length ? { budgets: project.budgets } : {}),
      ...(project.access ? { access: tableAccess(project.access) } : {}),
      ...(project.guardrail ? { guardrail: project.guardrail } : {}),
      routes: (routesByProject.get(routeKey(project.namespace, project.name)) ?? []).sort((a, b) =>
        a.model.localeCompare(b.model),
      ),
    }))
  return { projects: tableProjects, outcomes }
}
