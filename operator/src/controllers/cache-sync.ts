// Which informer caches hold a full list yet. The routing table (table-dirty.ts) and the project
// work queue act only once all of them do: a publish from a half-filled cache would drop the
// routes not yet seen, and a project reconciled before the routes were listed would see no route
// using its inference profiles and delete them.

export class CacheSync {
  readonly #unlisted: Set<string>
  readonly #waiting: (() => void)[] = []

  /** `caches` names the caches to wait for. */
  constructor(caches: readonly string[]) {
    this.#unlisted = new Set(caches)
  }

  /** True once every cache has listed. */
  get all(): boolean {
    return this.#unlisted.size === 0
  }

  /** A cache holds a full list; a later re-list changes nothing here. */
  listed(cache: string): void {
    this.#unlisted.delete(cache)
    if (this.all) for (const callback of this.#waiting.splice(0)) callback()
  }

  /** Calls `callback` once every cache has listed: at once if they have, else when the last does. */
  whenAll(callback: () => void): void {
    if (this.all) callback()
    else this.#waiting.push(callback)
  }
}
