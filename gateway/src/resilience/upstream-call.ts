// The cancellation of one upstream call. It is aborted when the client goes away, when the route's
// timeout passes, or when the response stream is cancelled; the backend sees a single signal.
export interface UpstreamCall {
  readonly signal: AbortSignal
  abort(reason?: unknown): void
  /** Drops the timer and the client listener once the call is over. */
  release(): void
  /** Stops the timeout, e.g. once a stream has started: the limit bounds the wait, not the answer. */
  clearTimeout(): void
  /** Rewrites an error from the backend as what actually happened to the call. */
  explain(error: unknown): unknown
}
