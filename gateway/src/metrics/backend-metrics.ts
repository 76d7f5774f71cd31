// Per-backend series for comparing two backends of one route, as a rollout does (docs/rollouts.md).
// The GenAI metrics' `backend` label is the backend's kind (converse or mantle), so a stable and a
// candidate of the same kind share their series; these carry the backend's name within the route
// instead (its position when unnamed), like strata_gateway_circuit_state. Labels stay bounded: a
// route has at most 16 backends, and the stop reasons are a fixed set. Upstream attempts per backend are in resilience-metrics.ts.
import { Counter, Histogram, type Registry } from 'prom-client'
import { DURATION_BUCKETS, TIME_TO_FIRST_TOKEN_BUCKETS } from './genai-metrics.ts'
import { firstSeen, type FirstSeen } from './first-seen.ts'

type BackendLabel = 'route' | 'backend_name'

export interface BackendMetrics {
  readonly requests: Counter<BackendLabel>
  readonly duration: Histogram<BackendLabel>
  readonly timeToFirstToken: Histogram<BackendLabel>
  readonly cost: Counter<BackendLabel>
  readonly stopReasons: Counter<BackendLabel | 'stop_reason'>
  /** True for a route's backend's first answer: its stop reasons' series then start at zero. */
  readonly firstAnswerOf: FirstSeen
}

export function createBackendMetrics(registry: Registry): BackendMetrics {
  const registers = [registry]
  const labelNames = ['route', 'backend_name'] as const
  return {
    firstAnswerOf: firstSeen(),
    requests: new Counter({
      name: 'strata_gateway_backend_requests_total',
      help: 'Requests answered (or last tried) per backend of a route.',
      labelNames,
      registers,
    }),
    duration: new Histogram({
      name: 'strata_gateway_backend_request_duration_seconds',
      help: 'Time of the requests a backend answered without error, from arrival to the last byte.',
      labelNames,
      buckets: DURATION_BUCKETS,
      registers,
    }),
    timeToFirstToken: new Histogram({
      name: 'strata_gateway_backend_time_to_first_token_seconds',
      help: 'Streams only: time from arrival to the first chunk, per backend of a route.',
      labelNames,
      buckets: TIME_TO_FIRST_TOKEN_BUCKETS,
      registers,
    }),
    cost: new Counter({
      name: 'strata_gateway_backend_cost_usd_total',
      help: 'Estimated cost in US dollars per backend of a route (token usage times the price table).',
      labelNames,
      registers,
    }),
    stopReasons: new Counter({
      name: 'strata_gateway_backend_stop_reasons_total',
      help: "Answers ended by a tracked Bedrock stop reason, per backend of a route: model_context_window_exceeded (the context window filled; every such answer), and malformed_tool_use or malformed_model_output after a stream's first byte (earlier ones are attempts with outcome malformed_output).",
      labelNames: [...labelNames, 'stop_reason'] as const,
      registers,
    }),
  }
}
