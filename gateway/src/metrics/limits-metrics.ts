// Metrics of token governance (gateway/src/limits/): refusals by the limit that refused, whether
// the shared limit store is unreachable (the alert that per-replica shares are in force), and the
// replica count a per-replica share divides by, read when scraped.
import { Counter, Gauge, type Registry } from 'prom-client'

/** Which limit refused: a rate limit, a budget, or the store itself (failClosed). */
export type LimitLabel =
  'requests_per_minute' | 'tokens_per_minute' | 'budget_tokens' | 'budget_usd' | 'store_unavailable'

export interface LimitsMetrics {
  readonly rateLimited: Counter<'project' | 'route' | 'limit'>
  readonly degraded: Gauge
  /** Where strata_gateway_limits_replicas reads the count from; 1 until one is given. */
  countReplicasWith(source: () => number): void
}

export function createLimitsMetrics(registry: Registry): LimitsMetrics {
  const rateLimited = new Counter({
    name: 'strata_gateway_rate_limited_total',
    help: 'Requests refused by a rate limit, a budget, or a failClosed limit store, by project, route and limit.',
    labelNames: ['project', 'route', 'limit'] as const,
    registers: [registry],
  })
  const degraded = new Gauge({
    name: 'strata_gateway_limits_degraded',
    help: '1 while the shared limit store (Redis) is unreachable and this replica enforces its share of each limit alone; 0 otherwise.',
    registers: [registry],
  })
  degraded.set(0)
  let replicas = (): number => 1
  new Gauge({
    name: 'strata_gateway_limits_replicas',
    help: 'Replicas this replica divides each limit by while it counts alone (no Redis, or Redis unreachable): the ready endpoints of its Service, a fixed hint, or the Redis heartbeat count.',
    registers: [registry],
    collect() {
      this.set(replicas())
    },
  })
  return {
    rateLimited,
    degraded,
    countReplicasWith(source) {
      replicas = source
    },
  }
}
