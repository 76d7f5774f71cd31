// Feeds metrics/genai-metrics.ts from closed request records, so every way a request can end
// (JSON answer, stream end, mid-stream failure, client abort) is counted by one piece of code.
import { recordCostUsd, type PriceTable } from '../observe/cost.ts'
import { errorTypeOf, recordLabels } from '../observe/record-labels.ts'
import { overheadMs, type RecordListener, type RequestRecord } from '../observe/request-record.ts'
import type { GenAiMetrics } from './genai-metrics.ts'

const seconds = (ms: number): number => ms / 1000

// Time to first token and per output token describe streams: a JSON answer's "first token" is
// its whole body, which would only repeat the request duration.
function observeStreamTimes(metrics: GenAiMetrics, record: Readonly<RequestRecord>, end: number) {
  const { firstTokenAt } = record
  if (!record.stream || firstTokenAt === undefined) return
  const labels = recordLabels(record)
  metrics.timeToFirstToken.observe(labels, seconds(firstTokenAt - record.startedAt))
  const output = record.usage?.output ?? 0
  if (record.error === undefined && output > 1)
    metrics.timePerOutputToken.observe(labels, seconds((end - firstTokenAt) / (output - 1)))
}

export function recordMetricsListener(metrics: GenAiMetrics, prices: PriceTable): RecordListener {
  return {
    finished(record) {
      const end = record.finishedAt ?? record.startedAt
      const labels = recordLabels(record)
      const errorType = errorTypeOf(record)
      metrics.duration.observe(
        { ...labels, error_type: errorType },
        seconds(end - record.startedAt),
      )
      if (errorType !== '') metrics.errors.inc({ ...labels, error_type: errorType })
      // Requests refused before an operation started (no key, bad JSON) never reached Bedrock.
      if (record.operation === undefined) return
      metrics.overhead.observe(
        { operation: labels.operation, backend: labels.backend },
        seconds(overheadMs(record, end)),
      )
      observeStreamTimes(metrics, record, end)
      // Every type, zeros included (token-tally.ts): a series that exists from its first request
      // lets rate() see the first increment instead of starting at it.
      if (record.usage !== undefined) metrics.tokenTally.add(labels, record.usage)
      const cost = recordCostUsd(record, prices)
      if (cost !== undefined)
        metrics.cost.inc(
          {
            project: labels.project,
            route: labels.route,
            model: labels.model,
            backend: labels.backend,
          },
          cost,
        )
      const routeLabels = { project: labels.project, route: labels.route, backend: labels.backend }
      if (record.attempts > 1) metrics.retries.inc(routeLabels, record.attempts - 1)
      if (record.fallbacks > 0) metrics.fallbacks.inc(routeLabels, record.fallbacks)
    },
  }
}
