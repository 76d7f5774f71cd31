// How a request record is named in metrics and the access log: bounded values only, the same in
// both so that a log line can be found from a metric series and back.
import type { RequestRecord } from './request-record.ts'

/** The client aborts of upstream-call.ts, under the name operators search for. */
export const CLIENT_CLOSED = 'client_closed'

/** `namespace/name` of a project or route; empty while unknown (Prometheus drops empty labels). */
export function qualifiedName(resource: { namespace: string; name: string } | undefined): string {
  return resource === undefined ? '' : `${resource.namespace}/${resource.name}`
}

// Error codes are snake_case words from our own mappings and from Bedrock's OpenAI-shaped
// errors. Anything else (an odd upstream string) falls back to the OpenAI type, so a misbehaving
// upstream cannot grow the series.
const boundedCode = /^[a-z][a-z0-9_]{0,47}$/

/**
 * What went wrong, or '' when nothing did: `client_closed` for a client abort, else the error's
 * code (`rate_limit_exceeded`, `model_error`, …) or its OpenAI type, else `http_<status>` for an
 * error answered without a GatewayError (an unknown path).
 */
export function errorTypeOf(record: Readonly<RequestRecord>): string {
  const error = record.error
  if (error !== undefined) {
    if (error.status === 499 || error.code === 'client_closed_request') return CLIENT_CLOSED
    if (error.code !== undefined && boundedCode.test(error.code)) return error.code
    return error.type
  }
  if (record.status !== undefined && record.status >= 400) return `http_${String(record.status)}`
  return ''
}

export interface RecordLabels {
  project: string
  route: string
  /** The alias the client sent. */
  model: string
  /** The backend kind: converse or mantle. */
  backend: string
  operation: string
}

export function recordLabels(record: Readonly<RequestRecord>): RecordLabels {
  return {
    project: qualifiedName(record.project),
    route: qualifiedName(record.route),
    model: record.model ?? '',
    backend: record.backend?.kind ?? '',
    operation: record.operation ?? 'unknown',
  }
}
