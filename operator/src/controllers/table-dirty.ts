// "The routing table may be out of date": a signal with producers and one consumer, so the
// components that change what the table reflects never call the publisher, and nothing routes
// through the manager. Producers: the BedrockProject reconciler after it writes status, and the
// informer events of both kinds (controllers/*/events.ts). Consumer: the table publisher, which
// coalesces marks into one publish. Marks are held until every informer cache has synced:
// publishing from a half-filled cache would drop every route not yet seen.

export class TableDirty {
  readonly #unsynced: Set<string>
  #dirty = false
  #consumer: (() => void) | undefined

  /** `caches` names the informer caches the table is compiled from. */
  constructor(caches: readonly string[]) {
    this.#unsynced = new Set(caches)
  }

  /** Something the table reflects may have changed. */
  mark(): void {
    this.#dirty = true
    this.#deliver()
  }

  /** A cache has (re)listed; what it holds may differ from what the table was compiled from. */
  synced(cache: string): void {
    this.#unsynced.delete(cache)
    this.mark()
  }

  /** Registers the one consumer; it is called once per run of marks while it is dirty. */
  consume(consumer: () => void): void {
    this.#consumer = consumer
    this.#deliver()
  }

  #deliver(): void {
    if (!this.#dirty || this.#unsynced.size > 0 || !this.#consumer) return
    this.#dirty = false
    this.#consumer()
  }
}
