// Compiles the routing table from what the operator knows: ready projects, their client keys and
// inference profiles, and the routes the ModelRoute policy admits
// (controllers/model-route/route-outcomes.ts decides each route's Accepted and ResolvedRefs; this
// file only turns the admitted ones into table entries). Pure.
import type {
  BedrockProjectSpec,
  Budget,
  ClientKey,
  Guardrail,
  ProjectLimits,
  RoutingTableInput,
} from '@strata/crds'
import {
  isAdmitted,
  routeKey,
  routeOutcomes,
  type ModelExists,
  type RouteInput,
  type RouteOutcome,
  type RouteProject,
} from '../controllers/model-route/route-outcomes.ts'

import { tableWeights } from '../controllers/rollout/rollout-weights.ts'

type TableProject = RoutingTableInput['projects'][number]
type TableRoute = TableProject['routes'][number]

export interface ProjectInput extends RouteProject {
  projectArn: string | undefined
  tags: Record<string, string>
  keys: ClientKey[]
  /** Project-wide rate limits and budgets, enforced by the gateway (docs/limits.md). */
  limits?: ProjectLimits | undefined
  budgets?: Budget[] | undefined
  /** spec.access: who may call with a ServiceAccount token (the gateway's TokenReview mapping). */
  access?: BedrockProjectSpec['access']
  guardrail?: Guardrail | undefined
}

export interface CompiledTable {
  projects: TableProject[]
  outcomes: Map<string, RouteOutcome>
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

// A rollout owns the weights of its pair (stable and candidate) and, in a shadow step, the shadow;
// the spec's own values for them do not count while it is declared.
function weightOf(route: RouteInput, name: string | undefined, declared: number): number {
  const rollout = route.rollout
  if (rollout === undefined || name === undefined) return declared
  const weights = tableWeights(rollout)
  if (name === rollout.stable) return weights.stable
  if (name === rollout.candidate) return weights.candidate
  return declared
}

function shadowOf(route: RouteInput): TableRoute['shadow'] {
  const rollout = route.rollout
  if (rollout?.shadowPercent) return { backend: rollout.candidate, percent: rollout.shadowPercent }
  return route.spec.shadow
}

function tableRoute(route: RouteInput, project: ProjectInput): TableRoute {
  const { spec } = route
  const shadow = shadowOf(route)
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
        weight: weightOf(route, backend.name, backend.weight),
        priority: backend.priority,
        ...(profileArn ? { profileArn } : {}),
        ...(backend.family ? { family: backend.family } : {}),
      }
    }),
    ...(Object.keys(limits).length > 0 ? { limits } : {}),
    ...(spec.defaults ? { defaults: spec.defaults } : {}),
    ...(spec.strict ? { strict: true } : {}),
    ...(spec.sticky ? { sticky: spec.sticky } : {}),
    ...(shadow ? { shadow } : {}),
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

export function compileTable(
  projects: ProjectInput[],
  routes: RouteInput[],
  modelExists: ModelExists = () => undefined,
): CompiledTable {
  const outcomes = routeOutcomes(projects, routes, modelExists)
  const projectsByKey = new Map(
    projects.map((project) => [routeKey(project.namespace, project.name), project]),
  )
  const routesByProject = new Map<string, TableRoute[]>()
  for (const route of routes) {
    const projectKey = routeKey(route.namespace, route.spec.projectRef.name)
    const project = projectsByKey.get(projectKey)
    if (!project || !isAdmitted(outcomes.get(routeKey(route.namespace, route.name)))) continue
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
