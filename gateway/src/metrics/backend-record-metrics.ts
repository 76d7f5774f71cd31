// Feeds metrics/backend-metrics.ts from closed request records, beside record-metrics.ts: the same
// record, named by the backend's name in its route rather than by its kind.
import { recordCostUsd, type PriceTable } from '../observe/cost.ts'
import { errorTypeOf, qualifiedName } from '../observe/record-labels.ts'
import type { RecordListener, RequestRecord } from '../observe/request-record.ts'
import type { BackendMetrics } from './backend-metrics.ts'
import { CONTEXT_WINDOW_EXCEEDED } from '../observe/stop-reason.ts'

/** The stop reasons counted per backend; others would only grow the series. */
export const TRACKED_STOP_REASONS = new Set([
  'malformed_tool_use',
  'malformed_model_output',
  CONTEXT_WINDOW_EXCEEDED,
])

/** The backend's name, or its position in the route, as the resilience metrics name it. */
export function backendNameOf(record: Readonly<RequestRecord>): string | undefined {
  const { route, backend } = record
  if (route === undefined || backend === undefined) return undefined
  if (backend.name !== undefined) return backend.name
  const index = route.backends.indexOf(backend)
  return index < 0 ? undefined : String(index)
}

// A malformed_* stop reason reaches the record as the error it becomes (finish-reason.ts), with
// the stop reason kept as the upstream type. Only one that ended a stream already under way is
// counted here: before the first byte it failed an attempt, which
// strata_gateway_backend_attempts_total counts (outcome malformed_output) even when another
// backend then served the request, so counting it here too would count it twice.
// model_context_window_exceeded is an answer, not a failure (the client gets what was written,
// finish_reason "length"): every answer that ends with it is counted, streamed or not.
function stopReasonOf(record: Readonly<RequestRecord>): string | undefined {
  if (record.stopReason === CONTEXT_WINDOW_EXCEEDED) return CONTEXT_WINDOW_EXCEEDED
  if (!record.stream || record.firstTokenAt === undefined) return undefined
  const upstreamType = record.error?.upstreamType
  return upstreamType !== undefined && TRACKED_STOP_REASONS.has(upstreamType)
    ? upstreamType
    : undefined
}

export function backendRecordListener(metrics: BackendMetrics, prices: PriceTable): RecordListener {
  return {
    finished(record) {
      const backendName = backendNameOf(record)
      if (backendName === undefined || record.operation === undefined) return
      const labels = { route: qualifiedName(record.route), backend_name: backendName }
      const end = record.finishedAt ?? record.startedAt
      metrics.requests.inc(labels)
      // Zero included, so rate() sees the first increment of a series that exists from the start.
      if (metrics.firstAnswerOf(labels.route, backendName))
        for (const stopReason of TRACKED_STOP_REASONS)
          metrics.stopReasons.inc({ ...labels, stop_reason: stopReason }, 0)
      const stopReason = stopReasonOf(record)
      if (stopReason !== undefined) metrics.stopReasons.inc({ ...labels, stop_reason: stopReason })
      if (errorTypeOf(record) === '')
        metrics.duration.observe(labels, (end - record.startedAt) / 1000)
      if (record.stream && record.firstTokenAt !== undefined)
        metrics.timeToFirstToken.observe(labels, (record.firstTokenAt - record.startedAt) / 1000)
      metrics.cost.inc(labels, recordCostUsd(record, prices) ?? 0)
    },
  }
}
