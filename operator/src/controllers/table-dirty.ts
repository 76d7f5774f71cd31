// "The routing table may be out of date": a signal with producers and one consumer, so the
// components that change what the table reflects never call the publisher, and nothing routes
// through the manager. Producers: the BedrockProject reconciler after it writes status, and the
// informer events of both kinds (controllers/*/events.ts). Consumer: the table publisher, which
// coalesces marks into one publish. Marks are held until every informer cache has synced
// (cache-sync.ts): publishing from a half-filled cache would drop every route not yet seen.
import type { CacheSync } from './cache-sync.ts'

export class TableDirty {
  readonly #caches: CacheSync
  #dirty = false
  #consumer: (() => void) | undefined

  /** `caches`: the informer caches the table is compiled from. */
  constructor(caches: CacheSync) {
    this.#caches = caches
  }

  /** Something the table reflects may have changed. */
  mark(): void {
    this.#dirty = true
    this.#deliver()
  }

  /** A cache has (re)listed; what it holds may differ from what the table was compiled from. */
  synced(cache: string): void {
    this.#caches.listed(cache)
    this.mark()
  }

  /** Registers the one consumer; it is called once per run of marks while it is dirty. */
  consume(consumer: () => void): void {
    this.#consumer = consumer
    this.#deliver()
  }

  #deliver(): void {
    if (!this.#dirty || !this.#caches.all || !this.#consumer) return
    this.#dirty = false
    this.#consumer()
  }
}
