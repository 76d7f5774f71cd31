// What a ModelRoute's status should say, from its outcome and whether the table now serving
// carries it: Accepted and ResolvedRefs as the route policy decided, Ready when the route is
// served, and the table version that first served the route as it is now. Pure.
import {
  MODEL_ROUTE_CONDITION_TYPES,
  type Condition,
  type ModelRoute,
  type ModelRouteStatus,
} from '@strata/crds'
import { conditionsDiffer, nextConditions, type ConditionUpdate } from '../conditions.ts'
import type { RouteOutcome } from './route-outcomes.ts'

type RouteCondition = ConditionUpdate<(typeof MODEL_ROUTE_CONDITION_TYPES)[number]>

const ownTypes: ReadonlySet<string> = new Set(MODEL_ROUTE_CONDITION_TYPES)

// The Rollout condition and status.rollout belong to the rollout controller, which applies them
// with a field manager of its own; this writer neither carries nor compares them, so neither
// writer can put back a stale copy of the other's fields.
function ownConditions(conditions: Condition[] | undefined): Condition[] | undefined {
  return conditions?.filter((condition) => ownTypes.has(condition.type))
}

/** What a route's status should say; pure. `servedSince` is undefined when it is not served. */
export function desiredRouteStatus(
  route: ModelRoute,
  outcome: RouteOutcome,
  servedSince: number | undefined,
  now: Date,
): ModelRouteStatus {
  const generation = route.metadata.generation ?? 0
  const ready: RouteCondition =
    servedSince !== undefined
      ? { type: 'Ready', status: true, reason: 'Served', message: 'served by the routing table' }
      : {
          type: 'Ready',
          status: false,
          reason: outcome.accepted.status ? outcome.resolvedRefs.reason : outcome.accepted.reason,
          message: outcome.accepted.status
            ? outcome.resolvedRefs.message
            : outcome.accepted.message,
        }
  return {
    observedGeneration: generation,
    conditions: nextConditions(
      ownConditions(route.status?.conditions),
      [
        { type: 'Accepted', ...outcome.accepted } satisfies RouteCondition,
        { type: 'ResolvedRefs', ...outcome.resolvedRefs } satisfies RouteCondition,
        ready,
      ],
      generation,
      now,
    ),
    ...(servedSince !== undefined ? { routingTableVersion: String(servedSince) } : {}),
    backends: route.spec.backends.map((backend) => backend.modelId).join(','),
  }
}

export function statusDiffers(current: ModelRouteStatus | undefined, next: ModelRouteStatus) {
  return (
    conditionsDiffer(ownConditions(current?.conditions), next.conditions ?? []) ||
    current?.observedGeneration !== next.observedGeneration ||
    current?.routingTableVersion !== next.routingTableVersion ||
    current?.backends !== next.backends
  )
}

/** The version a route's status records as first serving it, when it says it is served now. */
export function recordedVersion(route: ModelRoute): number | undefined {
  const status = route.status
  const ready = status?.conditions?.find((c) => c.type === 'Ready')
  if (ready?.status !== 'True' || status?.observedGeneration !== route.metadata.generation)
    return undefined
  const recorded = Number(status?.routingTableVersion)
  return Number.isInteger(recorded) && recorded > 0 ? recorded : undefined
}

/** The Ready=False reason a status write introduces, if the route was not already refused so. */
export function newRefusal(
  current: ModelRouteStatus | undefined,
  next: ModelRouteStatus,
): { reason: string; message: string } | undefined {
  const ready = next.conditions?.find((c) => c.type === 'Ready')
  if (ready?.status !== 'False') return undefined
  const before = current?.conditions?.find((c) => c.type === 'Ready')
  if (before?.status === 'False' && before.reason === ready.reason) return undefined
  return { reason: ready.reason, message: ready.message }
}
