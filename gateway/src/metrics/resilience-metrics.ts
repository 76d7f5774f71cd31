// Metrics of the resilience controls (gateway/src/resilience/). Labels stay bounded: the route
// ("ns/name"), the backend's name within it, and a fixed set of shadow outcomes. Retries and
// fallbacks are counted from the request record by the metrics listener, not here.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client'
import { firstSeen, type FirstSeen } from './first-seen.ts'

export type ShadowOutcome = 'success' | 'error' | 'timeout'
/** How one upstream attempt ended (resilience/attempt-outcome.ts). */
export type AttemptOutcome =
  'success' | 'failure' | 'client_error' | 'context_overflow' | 'malformed_output'

export interface ResilienceMetrics {
  /** 0 closed, 1 half-open, 2 open. */
  readonly circuitState: Gauge<'route' | 'backend_name'>
  readonly backendAttempts: Counter<'route' | 'backend_name' | 'outcome'>
  /** True for a route's backend's first attempt: its outcomes' series then start at zero. */
  readonly firstAttemptOf: FirstSeen
  readonly shadowRequests: Counter<'route' | 'outcome'>
  readonly shadowDuration: Histogram<'route' | 'outcome'>
}

export function createResilienceMetrics(registry: Registry): ResilienceMetrics {
  return {
    circuitState: new Gauge({
      name: 'strata_gateway_circuit_state',
      help: 'Circuit breaker state per route backend: 0 closed, 1 half-open, 2 open.',
      labelNames: ['route', 'backend_name'] as const,
      registers: [registry],
    }),
    firstAttemptOf: firstSeen(),
    backendAttempts: new Counter({
      name: 'strata_gateway_backend_attempts_total',
      help: 'Upstream attempts per backend of a route, by outcome: success, failure (the backend did not serve: 5xx, timeout, connection), client_error (other refusals), context_overflow (input longer than the context window), malformed_output (a malformed_* stop reason before the first byte reached the client). A fallback hides a failure from the request metrics, not from these.',
      labelNames: ['route', 'backend_name', 'outcome'] as const,
      registers: [registry],
    }),
    shadowRequests: new Counter({
      name: 'strata_gateway_shadow_requests_total',
      help: 'Copies of client requests sent to a shadow backend, by outcome (success, error, timeout).',
      labelNames: ['route', 'outcome'] as const,
      registers: [registry],
    }),
    shadowDuration: new Histogram({
      name: 'strata_gateway_shadow_request_duration_seconds',
      help: 'Time a shadow backend took to answer a copied request in full, by outcome.',
      labelNames: ['route', 'outcome'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers: [registry],
    }),
  }
}
