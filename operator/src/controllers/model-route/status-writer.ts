// Writes ModelRoute status after each publish: the outcome the route policy decided
// (route-outcomes.ts) and whether the table now serving carries the route, as desired-status.ts
// builds it; only routes whose status would change are written. Keeps, per served route, the
// table version that first carried its current entry: that version moves only when the route's
// own entry changes, so a publish caused by one route writes nothing to the others (status work
// per change is O(1), not O(routes)).
import {
  MODEL_ROUTE_KIND,
  MODEL_ROUTE_PLURAL,
  type ModelRoute,
  type RoutingTableInput,
} from '@strata/crds'
import type { KubeClient } from '../../kube/kube-client.ts'
import type { OperatorMetrics } from '../../metrics.ts'
import { desiredRouteStatus, newRefusal, recordedVersion, statusDiffers } from './desired-status.ts'
import { routeKey, type RouteOutcome } from './route-outcomes.ts'

type TableRoute = RoutingTableInput['projects'][number]['routes'][number]

/** What a publish produced: the table's projects and every route's outcome. */
export interface Published {
  projects: RoutingTableInput['projects']
  outcomes: ReadonlyMap<string, RouteOutcome>
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
  readonly #kube: Pick<KubeClient, 'applyStatus' | 'event'>
  readonly #metrics: Pick<OperatorMetrics, 'statusWrites'> | undefined
  /** Per served route: its table entry as last published, and the version that first carried it. */
  readonly #served = new Map<string, { entry: string; since: number }>()

  constructor(
    kube: Pick<KubeClient, 'applyStatus' | 'event'>,
    metrics?: Pick<OperatorMetrics, 'statusWrites'>,
  ) {
    this.#kube = kube
    this.#metrics = metrics
  }

  async write(
    version: number,
    compiled: Published,
    routes: ModelRoute[],
    now: Date,
  ): Promise<void> {
    const entries = new Map<string, TableRoute>()
    for (const project of compiled.projects)
      for (const entry of project.routes) entries.set(routeKey(entry.namespace, entry.name), entry)
    const seen = new Set<string>()
    const pending: (() => Promise<void>)[] = []
    let writes = 0
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
      const refusal = newRefusal(route.status, next)
      pending.push(async () => {
        const ref = {
          plural: MODEL_ROUTE_PLURAL,
          kind: MODEL_ROUTE_KIND,
          namespace,
          name,
          uid: route.metadata.uid,
        } as const
        await this.#kube.applyStatus(ref, next)
        writes++
        // `kubectl describe` and `kubectl get events` show why a route is not served, as they do
        // for a project: once per new reason, never once per publish.
        if (refusal)
          await this.#kube.event(ref, 'Warning', refusal.reason, refusal.message, 'Route')
      })
    }
    for (const key of this.#served.keys()) if (!seen.has(key)) this.#served.delete(key)
    try {
      await inParallel(pending, writeConcurrency)
    } finally {
      // Zero included, so the series exists from the first publish.
      this.#metrics?.statusWrites.inc({ kind: MODEL_ROUTE_KIND }, writes)
    }
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
