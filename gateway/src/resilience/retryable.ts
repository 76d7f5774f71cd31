// Which failures move a request to another attempt, and which count against a backend's circuit
// (docs/resilience.md, "What counts against a backend").
// Retryable: what a backend answered or failed with: throttling (429), timeouts (408, 504), server
// and connection failures (5xx), as long as no byte has reached the client. Not retryable: the
// client's own mistakes (4xx), a client that left (499), the gateway's credentials failing (another
// backend uses the same ones), and the gateway's own failures (another backend would meet the same
// bug, and retries spent on it would come out of every caller's retry budget).
import type { GatewayError } from '../errors/gateway-error.ts'

const neverRetried = new Set(['upstream_authentication_failed', 'client_closed_request'])

export function isRetryable(error: GatewayError): boolean {
  if (error.upstream === undefined) return false
  if (error.code !== undefined && neverRetried.has(error.code)) return false
  return error.status === 408 || error.status === 429 || error.status >= 500
}

/**
 * A failure that says the backend is unwell: it did not serve (connection failure, timeout, 5xx).
 * Throttling is a capacity signal, answered with 429 and Retry-After, not a health signal; client
 * errors, aborts and the gateway's own failures say nothing about the backend.
 */
export function isBackendFailure(error: GatewayError): boolean {
  return error.upstream === 'unavailable'
}
