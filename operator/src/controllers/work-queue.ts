// A per-key, serialised, rate-limited work queue with client-go's semantics: a key is queued at
// most once, never handled by two workers at once, and a key added while it is being handled is
// handled again afterwards, so no change is lost and none is processed concurrently.
import { RateLimiter } from './rate-limiter.ts'

export type ReconcileOutcome = { requeueAfterMs?: number } | undefined

export interface WorkQueueOptions {
  handler: (key: string) => Promise<ReconcileOutcome>
  /** Called with the error of a failed attempt; the key is then retried with backoff. */
  onError: (key: string, error: unknown, retryInMs: number) => void
  concurrency?: number
  limiter?: RateLimiter
  /**
   * Keys are queued but not handled until start(): a reconcile must not act on caches that have
   * not listed yet (client-go's workers, too, wait for the caches to sync).
   */
  held?: boolean
}

export class WorkQueue {
  readonly #options: WorkQueueOptions
  readonly #limiter: RateLimiter
  readonly #queue: string[] = []
  readonly #queued = new Set<string>()
  readonly #processing = new Set<string>()
  readonly #dirty = new Set<string>()
  readonly #timers = new Map<string, { timer: NodeJS.Timeout; at: number }>()
  #active = 0
  #held: boolean
  #stopped = false
  #idle: (() => void) | undefined

  constructor(options: WorkQueueOptions) {
    this.#options = options
    this.#limiter = options.limiter ?? new RateLimiter()
    this.#held = options.held ?? false
  }

  /** Begins handling the keys queued while the queue was held. */
  start(): void {
    this.#held = false
    this.#pump()
  }

  get depth(): number {
    return this.#queue.length
  }

  add(key: string): void {
    if (this.#stopped) return
    if (this.#processing.has(key)) {
      this.#dirty.add(key)
      return
    }
    if (this.#queued.has(key)) return
    this.#queued.add(key)
    this.#queue.push(key)
    this.#pump()
  }

  /** Adds the key after a delay; of several pending delays for one key, the soonest wins. */
  addAfter(key: string, delayMs: number): void {
    if (this.#stopped) return
    if (delayMs <= 0) {
      this.add(key)
      return
    }
    const at = Date.now() + delayMs
    const pending = this.#timers.get(key)
    if (pending && pending.at <= at) return
    if (pending) clearTimeout(pending.timer)
    const timer = setTimeout(() => {
      this.#timers.delete(key)
      this.add(key)
    }, delayMs)
    timer.unref()
    this.#timers.set(key, { timer, at })
  }

  /** Stops taking work and waits for the keys being handled. */
  async shutdown(): Promise<void> {
    this.#stopped = true
    for (const { timer } of this.#timers.values()) clearTimeout(timer)
    this.#timers.clear()
    this.#queue.length = 0
    this.#queued.clear()
    if (this.#active === 0) return
    await new Promise<void>((resolve) => (this.#idle = resolve))
  }

  #pump(): void {
    const concurrency = this.#options.concurrency ?? 1
    while (!this.#stopped && !this.#held && this.#active < concurrency && this.#queue.length > 0) {
      const key = this.#queue.shift()
      if (key === undefined) break
      this.#queued.delete(key)
      this.#processing.add(key)
      this.#active++
      void this.#handle(key)
    }
  }

  async #handle(key: string): Promise<void> {
    try {
      const outcome = await this.#options.handler(key)
      this.#limiter.forget(key)
      if (outcome?.requeueAfterMs !== undefined) this.addAfter(key, outcome.requeueAfterMs)
    } catch (error) {
      const retryInMs = this.#limiter.when(key)
      this.#options.onError(key, error, retryInMs)
      this.addAfter(key, retryInMs)
    } finally {
      this.#processing.delete(key)
      this.#active--
      if (this.#dirty.delete(key)) this.add(key)
      if (this.#stopped && this.#active === 0) this.#idle?.()
      this.#pump()
    }
  }
}
