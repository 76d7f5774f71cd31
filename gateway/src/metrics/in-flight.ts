// Keeps strata_gateway_in_flight_requests: up when an operation starts, down when its record
// closes. Driven by the request record, so a stream counts until its last byte or its abort.
import type { RecordListener, RequestRecord } from '../observe/request-record.ts'
import type { GatewayMetrics } from './gateway-metrics.ts'

function labels(record: Readonly<RequestRecord>): { operation: string; stream: string } {
  return { operation: record.operation ?? 'unknown', stream: String(record.stream) }
}

export function inFlightListener(metrics: GatewayMetrics): RecordListener {
  return {
    started: (record) => {
      metrics.inFlight.inc(labels(record))
    },
    finished: (record) => {
      // A request refused before its operation started (bad key, bad JSON) never went up.
      if (record.operation !== undefined) metrics.inFlight.dec(labels(record))
    },
  }
}
