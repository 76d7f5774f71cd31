// The PromQL behind each rollout gate, over the gateway's per-backend series
// (gateway/src/metrics/backend-metrics.ts, strata_gateway_backend_attempts_total). Each gate is
// asked once per side, candidate and stable, with the same query and a different backend_name.
// Pure. docs/rollouts.md lists the queries as they are sent.
import type { GateName, ModelRouteRollout } from '@strata/crds'

export interface Side {
  /** `namespace/name` of the ModelRoute, the gateway's `route` label. */
  route: string
  backend: string
}

/** The range of each rate: windowSeconds, or twice the interval and at least 30 s. */
export function windowSecondsOf(rollout: ModelRouteRollout): number {
  return rollout.windowSeconds ?? Math.max(30, 2 * rollout.intervalSeconds)
}

// Label values come from Kubernetes names (RFC 1123), which hold no quote or backslash; escaping
// anyway keeps a query well-formed whatever a name holds.
const quoted = (value: string): string =>
  `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`

function selector(side: Side, extra = ''): string {
  return `{route=${quoted(side.route)},backend_name=${quoted(side.backend)}${extra}}`
}

const increase = (metric: string, side: Side, window: number, extra = ''): string =>
  `sum(increase(${metric}${selector(side, extra)}[${String(window)}s]))`

// A counter of rare events (failures, overflows) has no series until the first one: without a
// fallback the share would be an empty vector, read as "no data", and a healthy step would wait.
const orZero = (query: string): string => `(${query} or vector(0))`

const p95 = (histogram: string, side: Side, window: number): string =>
  `histogram_quantile(0.95, sum by (le) (rate(${histogram}_bucket${selector(side)}[${String(window)}s])))`

const ATTEMPTS = 'strata_gateway_backend_attempts_total'
const REQUESTS = 'strata_gateway_backend_requests_total'
const STOP_REASONS = 'strata_gateway_backend_stop_reasons_total'

/** Upstream attempts in the window: the sample size a gate needs before it may decide. */
export function sampleQuery(side: Side, window: number): string {
  return increase(ATTEMPTS, side, window)
}

/** The query of one gate for one side; its value is what the gate compares. */
export function gateQuery(gate: GateName, side: Side, window: number): string {
  switch (gate) {
    case 'errorRate':
      return `100 * ${orZero(increase(ATTEMPTS, side, window, ',outcome="failure"'))} / ${increase(ATTEMPTS, side, window)}`
    case 'contextOverflow':
      // An input too long for the window is refused (an attempt's outcome); an answer that filled
      // the window ends with a stop reason instead, the client getting what was written.
      return `100 * (${orZero(increase(ATTEMPTS, side, window, ',outcome="context_overflow"'))} + ${orZero(increase(STOP_REASONS, side, window, ',stop_reason="model_context_window_exceeded"'))}) / ${increase(ATTEMPTS, side, window)}`
    case 'malformedOutput':
      // Before the first byte a malformed answer fails its attempt; after it, it ends the stream.
      return `100 * (${orZero(increase(ATTEMPTS, side, window, ',outcome="malformed_output"'))} + ${orZero(increase(STOP_REASONS, side, window, ',stop_reason=~"malformed_.*"'))}) / ${increase(ATTEMPTS, side, window)}`
    case 'costPerRequest':
      return `${increase('strata_gateway_backend_cost_usd_total', side, window)} / ${increase(REQUESTS, side, window)}`
    case 'timeToFirstToken':
      return p95('strata_gateway_backend_time_to_first_token_seconds', side, window)
    case 'duration':
      return p95('strata_gateway_backend_request_duration_seconds', side, window)
  }
}

// A shadow copy is not a client request: it has no request record, only the shadow series
// (gateway/src/metrics/resilience-metrics.ts), labelled by route and outcome alone. During a
// shadow step the rollout's candidate is the route's only shadow target, so those series are the
// candidate's. They measure errors and duration; the other gates wait for a weighted step.
const SHADOW_GATES: ReadonlySet<GateName> = new Set(['errorRate', 'duration'])

/** Whether a gate can be measured on shadow copies. */
export function measurableInShadow(gate: GateName): boolean {
  return SHADOW_GATES.has(gate)
}

const shadowSelector = (route: string, extra = ''): string => `{route=${quoted(route)}${extra}}`

/** The candidate's sample size during a shadow step: the copies sent. */
export function shadowSampleQuery(route: string, window: number): string {
  return `sum(increase(strata_gateway_shadow_requests_total${shadowSelector(route)}[${String(window)}s]))`
}

/** The candidate's side of a gate during a shadow step, for the gates measurableInShadow. */
export function shadowGateQuery(gate: GateName, route: string, window: number): string {
  const range = `[${String(window)}s]`
  if (gate === 'duration')
    return `histogram_quantile(0.95, sum by (le) (rate(strata_gateway_shadow_request_duration_seconds_bucket${shadowSelector(route, ',outcome="success"')}${range})))`
  return `100 * (sum(increase(strata_gateway_shadow_requests_total${shadowSelector(route, ',outcome!="success"')}${range})) or vector(0)) / sum(increase(strata_gateway_shadow_requests_total${shadowSelector(route)}${range}))`
}
