// Which failures move a request to another attempt, and which count against a backend's circuit.
// Retryable: throttling (429), timeouts (408, 504), server and connection failures (5xx), as long
// as no byte has reached the client. Not retryable: the client's own mistakes (4xx), a client that
// left (499), and the gateway's credentials failing (another backend uses the same ones).
import type { GatewayError } from '../errors/gateway-error.ts'

const neverRetried = new Set(['upstream_authentication_failed', 'client_closed_request'])

export function isRetryable(error: GatewayError): boolean {
  if (error.code !== undefined && neverRetried.has(error.code)) return false
  return error.status === 408 || error.status === 429 || error.status >= 500
}

/** A failure that says the backend is unwell; client errors and aborts say nothing about it. */
export function isBackendFailure(error: GatewayError): boolean {
  return isRetryable(error)
}
