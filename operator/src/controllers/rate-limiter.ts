// The rate limit client-go's controllers use by default (DefaultTypedControllerRateLimiter): the
// larger of a per-key exponential backoff and a global token bucket, so one failing object backs
// off on its own while a storm of failures cannot exceed the global rate.

export interface RateLimiterOptions {
  baseDelayMs: number
  maxDelayMs: number
  /** Global refill rate, tokens per second. */
  qps: number
  burst: number
  now: () => number
}

const defaultRateLimiterOptions: RateLimiterOptions = {
  baseDelayMs: 5,
  maxDelayMs: 1_000_000,
  qps: 10,
  burst: 100,
  now: () => Date.now(),
}

export class RateLimiter {
  readonly #options: RateLimiterOptions
  readonly #failures = new Map<string, number>()
  #tokens: number
  #refilledAt: number

  constructor(options: Partial<RateLimiterOptions> = {}) {
    this.#options = { ...defaultRateLimiterOptions, ...options }
    this.#tokens = this.#options.burst
    this.#refilledAt = this.#options.now()
  }

  /** The delay before `key` may be retried, counting this as one more failure. */
  when(key: string): number {
    const failures = this.#failures.get(key) ?? 0
    this.#failures.set(key, failures + 1)
    const backoff = Math.min(this.#options.baseDelayMs * 2 ** failures, this.#options.maxDelayMs)
    return Math.max(backoff, this.#bucketDelay())
  }

  failures(key: string): number {
    return this.#failures.get(key) ?? 0
  }

  /** A success: the key starts again from the base delay next time. */
  forget(key: string): void {
    this.#failures.delete(key)
  }

  #bucketDelay(): number {
    const now = this.#options.now()
    const { qps, burst } = this.#options
    this.#tokens = Math.min(burst, this.#tokens + ((now - this.#refilledAt) / 1000) * qps)
    this.#refilledAt = now
    this.#tokens -= 1
    return this.#tokens >= 0 ? 0 : (-this.#tokens / qps) * 1000
  }
}
