// ModelRoute status after a publish: Accepted and ResolvedRefs from the compiler's outcome, Ready
// when the route is in the table now serving, and the table version that first served the route
// as it is now. That version moves only when the route's own table entry changes, so a publish
// caused by one route writes nothing to the others: status work per change is O(1), not O(routes).
import {
  MODEL_ROUTE_KIND,
  MODEL_ROUTE_PLURAL,
  type ModelRoute,
  type ModelRouteStatus,
} from '@strata/crds'
import type { KubeClient } from '../kube/kube-client.ts'
import { conditionsDiffer, nextConditions } from '../controllers/conditions.ts'
import { routeKey, type CompiledTable, type RouteOutcome } from './compile-table.ts'

type TableRoute = CompiledTable['projects'][number]['routes'][number]

/** What a route's status should say; pure. `servedSince` is undefined when it is not served. */
export function desiredRouteStatus(
  route: ModelRoute,
  outcome: RouteOutcome,
  servedSince: number | undefined,
  now: Date,
): ModelRouteStatus {
  const generation = route.metadata.generation ?? 0
  const ready =
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
      route.status?.conditions,
      [
        { type: 'Accepted', ...outcome.accepted },
        { type: 'ResolvedRefs', ...outcome.resolvedRefs },
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
    conditionsDiffer(current?.conditions, next.conditions ?? []) ||
    current?.observedGeneration !== next.observedGeneration ||
    current?.routingTableVersion !== next.routingTableVersion ||
    current?.backends !== next.backends
  )
}

// When many routes change at once (a fleet applied, a project's profiles arriving), one write at
// a time would take seconds per thousand routes; a few in flight keep the apiserver busy without
// flooding it (client-go's default QPS is 5 with bursts of 10).
const writeConcurrency = 8

async function inParallel(tasks: (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]?.()
  }
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker))
}

export class RouteStatusWriter {
  readonly #kube: KubeClient
  /** Per served route: its table entry as last published, and the version that first carried it. */
  readonly #served = new Map<string, { entry: string; since: number }>()
  /** Status writes so far, for the metric and the scale benchmark. */
  writes = 0

  constructor(kube: KubeClient) {
    this.#kube = kube
  }

  async write(
    version: number,
    compiled: CompiledTable,
    routes: ModelRoute[],
    now: Date,
  ): Promise<void> {
    const entries = new Map<string, TableRoute>()
    for (const project of compiled.projects)
      for (const entry of project.routes) entries.set(routeKey(entry.namespace, entry.name), entry)
    const seen = new Set<string>()
    const pending: (() => Promise<void>)[] = []
    for (const route of routes) {
      const namespace = route.metadata.namespace ?? ''
      const name = route.metadata.name ?? ''
      const key = routeKey(namespace, name)
      const outcome = compiled.outcomes.get(key)
      if (!outcome) continue
      seen.add(key)
      const entry = entries.get(key)
      const since = entry
        ? this.#servedSince(key, JSON.stringify(entry), version, route)
        : undefined
      const next = desiredRouteStatus(route, outcome, since, now)
      if (!statusDiffers(route.status, next)) continue
      pending.push(async () => {
        await this.#kube.applyStatus(
          { plural: MODEL_ROUTE_PLURAL, kind: MODEL_ROUTE_KIND, namespace, name },
          { ...next },
        )
        this.writes++
      })
    }
    for (const key of this.#served.keys()) if (!seen.has(key)) this.#served.delete(key)
    await inParallel(pending, writeConcurrency)
  }

  // A restarted operator has no memory of entries: it takes the version a route's status already
  // records when that status describes the current generation as served, so a restart writes
  // nothing either. (An entry changed while no operator ran keeps its older version until the
  // next change to it.)
  #servedSince(key: string, entry: string, version: number, route: ModelRoute): number {
    const known = this.#served.get(key)
    let since = version
    if (known?.entry === entry) since = known.since
    else if (!known) since = recordedVersion(route) ?? version
    this.#served.set(key, { entry, since })
    return since
  }
}

function recordedVersion(route: ModelRoute): number | undefined {
  const status = route.status
  const ready = status?.conditions?.find((c) => c.type === 'Ready')
  if (ready?.status !== 'True' || status?.observedGeneration !== route.metadata.generation)
    return undefined
  const recorded = Number(status?.routingTableVersion)
  return Number.isInteger(recorded) && recorded > 0 ? recorded : undefined
}
