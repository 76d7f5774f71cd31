// Which counters one request touches: the rate limits of its route and of its project, and the
// project's budgets for the current day and month. Pure. Every key of a request carries the
// project in a Redis hash tag, so one script can check them all atomically, on Redis Cluster too.
import type { BudgetPeriod, Project, Route } from '@strata/crds'
import { periodTtlMs, periodWindow } from './budget-period.ts'

export type RateUnit = 'requests' | 'tokens'
export type BudgetUnit = 'tokens' | 'usd'

export interface RateCheck {
  kind: 'rate'
  key: string
  scope: 'project' | 'route'
  unit: RateUnit
  /** Per minute, as configured; a store may enforce a per-replica share of it. */
  limit: number
  cost: number
}

export interface BudgetCheck {
  kind: 'budget'
  key: string
  unit: BudgetUnit
  period: BudgetPeriod
  limit: number
  endsAt: number
  ttlMs: number
}

export type Check = RateCheck | BudgetCheck

export const KEY_PREFIX = 'strata:limits'

export const projectName = (project: Project): string => `${project.namespace}/${project.name}`
export const routeName = (route: Route): string => `${route.namespace}/${route.name}`

function rateChecks(
  scope: RateCheck['scope'],
  base: string,
  limits: { requestsPerMinute?: number | undefined; tokensPerMinute?: number | undefined },
  tokens: () => number,
): RateCheck[] {
  const checks: RateCheck[] = []
  if (limits.requestsPerMinute !== undefined)
    checks.push({
      kind: 'rate',
      key: `${base}:rpm`,
      scope,
      unit: 'requests',
      limit: limits.requestsPerMinute,
      cost: 1,
    })
  if (limits.tokensPerMinute !== undefined)
    checks.push({
      kind: 'rate',
      key: `${base}:tpm`,
      scope,
      unit: 'tokens',
      limit: limits.tokensPerMinute,
      cost: tokens(),
    })
  return checks
}

export function planChecks(
  project: Project,
  route: Route,
  /** Called only when a token limit applies: estimating reads the whole request body. */
  estimatedTokens: () => number,
  now: number,
): Check[] {
  const base = `${KEY_PREFIX}:{${projectName(project)}}`
  const checks: Check[] = [
    ...rateChecks(
      'route',
      `${base}:route:${routeName(route)}`,
      route.limits ?? {},
      estimatedTokens,
    ),
    ...rateChecks('project', `${base}:project`, project.limits ?? {}, estimatedTokens),
  ]
  for (const budget of project.budgets ?? []) {
    const window = periodWindow(budget.period, now)
    const ttlMs = periodTtlMs(window, now)
    for (const unit of ['tokens', 'usd'] as const) {
      const limit = budget[unit]
      if (limit === undefined) continue
      checks.push({
        kind: 'budget',
        key: `${base}:budget:${budget.period}:${window.id}:${unit}`,
        unit,
        period: budget.period,
        limit,
        endsAt: window.endsAt,
        ttlMs,
      })
    }
  }
  return checks
}

/**
 * The counters of a count_tokens request. Bedrock does not bill CountTokens, but every call spends
 * the account's CountTokens quota, so a caller looping on it must be stopped. Like Anthropic's own
 * API, counting has request limits of its own, the size of the route's and the project's requests
 * per minute: counting never takes from what a team may send to the model, and tokens and budgets
 * are not touched because nothing is generated.
 */
export function planCountTokensChecks(project: Project, route: Route): Check[] {
  const base = `${KEY_PREFIX}:{${projectName(project)}}`
  const none = (): number => 0
  return [
    ...rateChecks(
      'route',
      `${base}:route:${routeName(route)}:count-tokens`,
      { requestsPerMinute: route.limits?.requestsPerMinute },
      none,
    ),
    ...rateChecks(
      'project',
      `${base}:project:count-tokens`,
      { requestsPerMinute: project.limits?.requestsPerMinute },
      none,
    ),
  ]
}

/** Whether the request's route or project asks for 503 rather than per-replica shares. */
export function failsClosed(project: Project, route: Route): boolean {
  return route.limits?.failClosed === true || project.limits?.failClosed === true
}
