// Token governance for one request: admit it against its route's and project's rate limits and
// the project's budgets, then, when its record closes (observe/request-record.ts), settle the
// token estimate it was admitted on against the usage it really had. Streams are settled at their
// end, aborted ones too; a request that failed before any upstream answer gives its tokens back.
import type { Project, Route } from '@strata/crds'
import type { GatewayError } from '../errors/gateway-error.ts'
import type { LimitLabel, LimitsMetrics } from '../metrics/limits-metrics.ts'
import type { RecordListener, RequestRecord } from '../observe/request-record.ts'
import { totalTokens } from '../observe/token-usage.ts'
import type { CostOf } from './cost-of.ts'
import { estimateTokens } from './estimate-tokens.ts'
import { budgetExhausted, limitStoreUnavailable, rateLimitExceeded } from './limit-errors.ts'
import {
  failsClosed,
  planChecks,
  planCountTokensChecks,
  projectName,
  routeName,
  type Check,
} from './limit-plan.ts'
import type { CheckState, LimitStore, Settlement } from './limit-store.ts'
import { rateLimitHeaders } from './rate-limit-headers.ts'

export interface LimiterOptions {
  store: LimitStore
  /** True while the shared store is unreachable: failClosed routes then answer 503. */
  degraded: () => boolean
  metrics: LimitsMetrics
  costOf: CostOf
  /** Epoch milliseconds: budget periods are calendar days. */
  clock: () => number
  onSettleError: (error: unknown) => void
}

export interface AdmitRequest {
  project: Project
  route: Route
  /** The alias the client sent, for the refusal message. */
  model: string
  body: Record<string, unknown>
  record: RequestRecord
  /** A count_tokens request: its own request counters only (limit-plan.ts). */
  countTokens?: boolean
}

export interface Admission {
  /** x-ratelimit-* headers, for the answer or the refusal. */
  headers: Record<string, string>
  /** Set when the request is refused; nothing was taken from any counter. */
  refusal?: GatewayError
}

export interface Limiter {
  admit(request: AdmitRequest): Promise<Admission>
  /** Settles each admitted request when its record closes. */
  readonly listener: RecordListener
}

interface Reservation {
  checks: Check[]
  estimate: number
}

const labelOf = (check: Check): LimitLabel =>
  check.kind === 'rate'
    ? check.unit === 'requests'
      ? 'requests_per_minute'
      : 'tokens_per_minute'
    : check.unit === 'tokens'
      ? 'budget_tokens'
      : 'budget_usd'

// What the request really consumed. Without a usage: nothing if it failed before any answer (the
// upstream was never billed), else the estimate, since a stream cut short was billed up to then.
function consumedTokens(record: Readonly<RequestRecord>, estimate: number): number {
  if (record.usage !== undefined) return totalTokens(record.usage)
  if (record.firstTokenAt === undefined && record.error !== undefined) return 0
  return estimate
}

export function createLimiter(options: LimiterOptions): Limiter {
  const reservations = new WeakMap<RequestRecord, Reservation>()

  function settlementsOf(reservation: Reservation, record: Readonly<RequestRecord>): Settlement[] {
    const tokens = consumedTokens(record, reservation.estimate)
    const usd = reservation.checks.some((c) => c.kind === 'budget' && c.unit === 'usd')
      ? options.costOf(record)
      : undefined
    return reservation.checks.flatMap((check): Settlement[] => {
      if (check.kind === 'rate')
        return check.unit === 'tokens' ? [{ check, delta: tokens - reservation.estimate }] : []
      if (check.unit === 'tokens') return [{ check, delta: tokens }]
      return usd === undefined ? [] : [{ check, delta: usd }]
    })
  }

  return {
    async admit(request) {
      const { project, route } = request
      let known: number | undefined
      const estimated = (): number => (known ??= estimateTokens(request.body, route))
      const checks =
        request.countTokens === true
          ? planCountTokensChecks(project, route)
          : planChecks(project, route, estimated, options.clock())
      if (checks.length === 0) return { headers: {} }
      const estimate = estimated()
      const labels = { project: projectName(project), route: routeName(route) }
      if (options.degraded() && failsClosed(project, route)) {
        options.metrics.rateLimited.inc({ ...labels, limit: 'store_unavailable' })
        return { headers: {}, refusal: limitStoreUnavailable() }
      }
      const result = await options.store.admit(checks, options.clock())
      const rated = checks.flatMap((check, index) => {
        const state = result.states[index]
        return check.kind === 'rate' && state !== undefined ? [{ check, state }] : []
      })
      const headers = rateLimitHeaders(rated)
      if (result.admitted) {
        reservations.set(request.record, { checks, estimate })
        return { headers }
      }
      const failed = checks.findIndex((_, index) => result.states[index]?.admitted === false)
      const check = checks[failed] as Check
      const state = result.states[failed] as CheckState
      options.metrics.rateLimited.inc({ ...labels, limit: labelOf(check) })
      const owner = check.kind === 'rate' && check.scope === 'route' ? labels.route : labels.project
      return {
        headers,
        refusal:
          check.kind === 'budget'
            ? budgetExhausted(check, owner)
            : rateLimitExceeded(check, state, request.model, owner),
      }
    },
    listener: {
      finished(record) {
        const reservation = reservations.get(record)
        if (reservation === undefined) return
        reservations.delete(record)
        const settlements = settlementsOf(reservation, record)
        if (settlements.length === 0) return
        options.store.settle(settlements, options.clock()).catch(options.onSettleError)
      },
    },
  }
}
