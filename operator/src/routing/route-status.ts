// ModelRoute status after a publish: Accepted and ResolvedRefs from the compiler's outcome, Ready
// when the route is in the table now serving, and that table's version. Written only on change,
// so a publish that changes one route does not rewrite the status of every other.
import type { ModelRoute } from '@strata/crds'
import type { KubeClient } from '../kube/kube-client.ts'
import { conditionsDiffer, nextConditions } from '../controllers/conditions.ts'
import { routeKey, type CompiledTable } from './compile-table.ts'

export async function writeRouteStatuses(
  kube: KubeClient,
  version: number,
  compiled: CompiledTable,
  routes: ModelRoute[],
  now: Date,
): Promise<void> {
  for (const route of routes) {
    const namespace = route.metadata.namespace ?? ''
    const name = route.metadata.name ?? ''
    const outcome = compiled.outcomes.get(routeKey(namespace, name))
    if (!outcome) continue
    const served = outcome.accepted.status && outcome.resolvedRefs.status
    const generation = route.metadata.generation ?? 0
    const conditions = nextConditions(
      route.status?.conditions,
      [
        { type: 'Accepted', ...outcome.accepted },
        { type: 'ResolvedRefs', ...outcome.resolvedRefs },
        served
          ? {
              type: 'Ready',
              status: true,
              reason: 'Served',
              message: `served by routing table version ${version}`,
            }
          : {
              type: 'Ready',
              status: false,
              reason: outcome.accepted.status
                ? outcome.resolvedRefs.reason
                : outcome.accepted.reason,
              message: outcome.accepted.status
                ? outcome.resolvedRefs.message
                : outcome.accepted.message,
            },
      ],
      generation,
      now,
    )
    const tableVersion = served ? String(version) : undefined
    const unchanged =
      !conditionsDiffer(route.status?.conditions, conditions) &&
      route.status?.observedGeneration === generation &&
      route.status.routingTableVersion === tableVersion
    if (unchanged) continue
    await kube.applyStatus(
      { plural: 'modelroutes', kind: 'ModelRoute', namespace, name },
      {
        observedGeneration: generation,
        conditions,
        ...(tableVersion ? { routingTableVersion: tableVersion } : {}),
      },
    )
  }
}
