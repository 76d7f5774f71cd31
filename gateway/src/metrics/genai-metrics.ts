// The request-level metrics the gateway promises (docs/metrics.md): OpenTelemetry GenAI names for
// Prometheus (gen_ai_*) plus the gateway's own (strata_gateway_*). All of them are fed by one
// listener on the request record (metrics/record-metrics.ts), never by the routes. Reference:
// OpenTelemetry semantic conventions for GenAI metrics (gen_ai.client.token.usage,
// gen_ai.server.request.duration, gen_ai.server.time_to_first_token,
// gen_ai.server.time_per_output_token):
// https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-metrics/
// Envoy AI Gateway and agentgateway export the same names, so their dashboards read ours.
import { Counter, Histogram, type Registry } from 'prom-client'
import { tokenTally, type TokenTally } from './token-tally.ts'

const requestLabels = ['project', 'route', 'model', 'backend', 'operation'] as const
type RequestLabel = (typeof requestLabels)[number]

// The GenAI conventions' advisory boundaries: calls last from tens of milliseconds (embeddings)
// to minutes (long reasoning answers), so the buckets double from 10 ms to 82 s.
export const DURATION_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
]
// Fine below 100 ms, where a warm model starts; coarse up to the 10 s of a cold or queued one.
export const TIME_TO_FIRST_TOKEN_BUCKETS = [
  0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
]
// Decoding speeds from 400 tokens/s (2.5 ms) to under one token per second.
export const TIME_PER_OUTPUT_TOKEN_BUCKETS = [
  0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5,
]
// The gateway's own time: a healthy request spends well under a millisecond here, so the buckets
// start at 100 µs; anything past 100 ms is a problem worth seeing in its own bucket.
export const OVERHEAD_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
]

export interface GenAiMetrics {
  /** Where requests count their tokens; the counter takes the sums on every scrape. */
  readonly tokenTally: TokenTally
  readonly tokens: Counter<RequestLabel | 'token_type'>
  readonly duration: Histogram<RequestLabel | 'error_type'>
  readonly timeToFirstToken: Histogram<RequestLabel>
  readonly timePerOutputToken: Histogram<RequestLabel>
  readonly cost: Counter<'project' | 'route' | 'model' | 'backend'>
  readonly overhead: Histogram<'operation' | 'backend'>
  readonly errors: Counter<RequestLabel | 'error_type'>
  readonly retries: Counter<'project' | 'route' | 'backend'>
  readonly fallbacks: Counter<'project' | 'route' | 'backend'>
}

export function createGenAiMetrics(registry: Registry): GenAiMetrics {
  const registers = [registry]
  const tally = tokenTally()
  return {
    tokenTally: tally,
    // A counter, not the histogram of the conventions, so that rate() gives tokens per second.
    tokens: new Counter({
      name: 'gen_ai_client_token_usage_total',
      help: 'Tokens consumed, by token type (input excludes cached_input and cache_creation_input; reasoning is part of output).',
      labelNames: [...requestLabels, 'token_type'] as const,
      registers,
      collect() {
        tally.flush(this)
      },
    }),
    duration: new Histogram({
      name: 'gen_ai_server_request_duration_seconds',
      help: 'Time from the request arriving to its last byte (or its failure or abort); error_type is empty on success.',
      labelNames: [...requestLabels, 'error_type'] as const,
      buckets: DURATION_BUCKETS,
      registers,
    }),
    timeToFirstToken: new Histogram({
      name: 'gen_ai_server_time_to_first_token_seconds',
      help: 'Streams only: time from the request arriving to the first chunk from the model.',
      labelNames: requestLabels,
      buckets: TIME_TO_FIRST_TOKEN_BUCKETS,
      registers,
    }),
    timePerOutputToken: new Histogram({
      name: 'gen_ai_server_time_per_output_token_seconds',
      help: 'Streams that completed: time after the first chunk divided by the output tokens after the first.',
      labelNames: requestLabels,
      buckets: TIME_PER_OUTPUT_TOKEN_BUCKETS,
      registers,
    }),
    cost: new Counter({
      name: 'gen_ai_client_cost_usd_total',
      help: 'Estimated cost in US dollars, from token usage and the price table (on-demand prices).',
      labelNames: ['project', 'route', 'model', 'backend'] as const,
      registers,
    }),
    overhead: new Histogram({
      name: 'strata_gateway_overhead_seconds',
      help: 'Time spent in the gateway itself: the whole request minus the time waiting on Bedrock.',
      labelNames: ['operation', 'backend'] as const,
      buckets: OVERHEAD_BUCKETS,
      registers,
    }),
    errors: new Counter({
      name: 'strata_gateway_errors_total',
      help: 'Requests that failed, before or during a stream, by error type (client_closed for client aborts).',
      labelNames: [...requestLabels, 'error_type'] as const,
      registers,
    }),
    retries: new Counter({
      name: 'strata_gateway_upstream_retries_total',
      help: 'Upstream calls beyond the first one of a request.',
      labelNames: ['project', 'route', 'backend'] as const,
      registers,
    }),
    fallbacks: new Counter({
      name: 'strata_gateway_fallbacks_total',
      help: 'Times a request moved to a backend of a lower priority.',
      labelNames: ['project', 'route', 'backend'] as const,
      registers,
    }),
  }
}
