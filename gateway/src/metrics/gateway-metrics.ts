// The gateway's Prometheus metrics, in a private registry so that a second app in one process (a
// test, a benchmark) never collides with the first. Labels stay bounded: route patterns, a fixed
// set of methods and status codes; never keys, users or request ids.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client'
import { createBackendMetrics, type BackendMetrics } from './backend-metrics.ts'
import { createGenAiMetrics, type GenAiMetrics } from './genai-metrics.ts'
import { createGuardrailMetrics, type GuardrailInterventions } from './guardrail-metrics.ts'
import { createLimitsMetrics, type LimitsMetrics } from './limits-metrics.ts'
import { createResilienceMetrics, type ResilienceMetrics } from './resilience-metrics.ts'
import { createTokenReviewMetrics, type TokenReviews } from './token-review-metrics.ts'

export interface GatewayMetrics {
  readonly registry: Registry
  readonly requests: Counter<'route' | 'method' | 'status'>
  /** The per-replica load signal KEDA scales on (charts/strata gateway-scaledobject.yaml). */
  readonly inFlight: Gauge<'operation' | 'stream'>
  /** Tokens, latency, cost, errors, retries and overhead, fed by metrics/record-metrics.ts. */
  readonly genAi: GenAiMetrics
  /** The same requests per backend name, for comparing two backends of a route (rollouts). */
  readonly backends: BackendMetrics
  /** Circuit states and shadow outcomes. */
  readonly resilience: ResilienceMetrics
  /** Rate-limit refusals and the Redis-degraded alert. */
  readonly limits: LimitsMetrics
  /** Guardrail interventions by direction. */
  readonly guardrailInterventions: GuardrailInterventions
  /** TokenReviews made for ServiceAccount-token callers, by outcome. */
  readonly tokenReviews: TokenReviews
}

export interface GatewayMetricsOptions {
  /** Process metrics (CPU, memory, event loop lag). Off in unit tests, which make many registries. */
  processMetrics?: boolean
}

export function createGatewayMetrics(options: GatewayMetricsOptions = {}): GatewayMetrics {
  const registry = new Registry()
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry })
  const requests = new Counter({
    name: 'strata_gateway_requests_total',
    help: 'HTTP requests answered by the gateway, by route pattern, method and status code.',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  })
  const inFlight = new Gauge({
    name: 'strata_gateway_in_flight_requests',
    help: 'API requests being served right now, open streams included, by operation and streaming.',
    labelNames: ['operation', 'stream'] as const,
    registers: [registry],
  })
  return {
    registry,
    requests,
    inFlight,
    genAi: createGenAiMetrics(registry),
    backends: createBackendMetrics(registry),
    resilience: createResilienceMetrics(registry),
    limits: createLimitsMetrics(registry),
    guardrailInterventions: createGuardrailMetrics(registry),
    tokenReviews: createTokenReviewMetrics(registry),
  }
}
