// A watch-backed cache that keeps itself alive. client-node's informer re-lists on 410 Gone by
// itself, but stops for good on any other error, and watches have been known to stall silently.
// So: restart on error with capped backoff, and a watchdog that restarts (and so re-lists) when
// nothing at all has arrived for too long. Every object passes through `transform` before it is
// cached, listed or watched alike, so the cache holds only what the controllers read.
import {
  ListWatch,
  Watch,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  type ObjectCache,
} from '@kubernetes/client-node'
import { describeError } from './errors.ts'

export interface ResilientInformerOptions<T extends KubernetesObject> {
  path: string
  list: () => Promise<KubernetesListObject<T>>
  labelSelector?: string
  /** What the cache keeps of each object (default: all of it). */
  transform?: (object: T) => T
  /** Any add/update/delete; the controller enqueues a key, so one callback is enough. */
  onEvent: (object: T, kind: 'add' | 'update' | 'delete') => void
  /**
   * Called once the cache holds a full list: after the first list, and after every re-list (on
   * 410 Gone or a restart). Not on a watch that resumes from its last resourceVersion: nothing
   * was re-listed then.
   */
  onListed?: () => void
  log: (message: string) => void
  /** Restart when no event or connect has been seen for this long. */
  watchdogMs?: number
  maxBackoffMs?: number
}

export class ResilientInformer<T extends KubernetesObject> {
  readonly #informer: ListWatch<T>
  readonly #options: ResilientInformerOptions<T>
  #lastSeen = Date.now()
  #failures = 0
  #stopped = false
  #restartTimer: NodeJS.Timeout | undefined
  #watchdog: NodeJS.Timeout | undefined
  restarts = 0

  constructor(config: KubeConfig, options: ResilientInformerOptions<T>) {
    this.#options = options
    const transform = options.transform ?? ((object: T) => object)
    const list = async () => {
      const listed = await options.list()
      const items = listed.items.map(transform)
      // client-node fires 'connect' before it lists, and fills its cache from this list only
      // after the promise returned here resolves, in the microtasks that follow. A macrotask runs
      // after those, so the cache holds the list by then. Telling on 'connect' instead once let
      // a restarted operator publish a routing table from empty caches.
      setImmediate(() => {
        if (!this.#stopped) options.onListed?.()
      })
      return { ...listed, items }
    }
    // Watch events other than objects (BOOKMARK, ERROR) pass through untouched.
    const watch = new Watch(config)
    const transforming = {
      watch: (
        path: string,
        query: Record<string, string | number | boolean | undefined>,
        callback: (phase: string, object: T, raw: unknown) => void,
        done: (error: unknown) => void,
      ) =>
        watch.watch(
          path,
          query,
          (phase: string, object: T, raw: unknown) => {
            const objectPhase = phase === 'ADDED' || phase === 'MODIFIED' || phase === 'DELETED'
            callback(phase, objectPhase ? transform(object) : object, raw)
          },
          done,
        ),
    } as Watch
    this.#informer = new ListWatch<T>(
      options.path,
      transforming,
      list,
      false,
      options.labelSelector,
    )
    this.#informer.on('add', (object) => this.#seen(object, 'add'))
    this.#informer.on('update', (object) => this.#seen(object, 'update'))
    this.#informer.on('delete', (object) => this.#seen(object, 'delete'))
    this.#informer.on('connect', () => {
      this.#lastSeen = Date.now()
      this.#failures = 0
    })
    this.#informer.on('error', (error: unknown) => {
      options.log(`informer ${options.path}: ${describeError(error)}`)
      this.#scheduleRestart()
    })
  }

  get cache(): ObjectCache<T> {
    return this.#informer
  }

  async start(): Promise<void> {
    this.#stopped = false
    this.#lastSeen = Date.now()
    const watchdogMs = this.#options.watchdogMs ?? 5 * 60_000
    this.#watchdog = setInterval(
      () => {
        if (Date.now() - this.#lastSeen > watchdogMs) {
          this.#options.log(
            `informer ${this.#options.path}: no events for ${watchdogMs} ms, restarting`,
          )
          this.#lastSeen = Date.now()
          void this.#restart()
        }
      },
      Math.min(watchdogMs, 30_000),
    )
    this.#watchdog.unref()
    await this.#informer.start()
  }

  async stop(): Promise<void> {
    this.#stopped = true
    clearInterval(this.#watchdog)
    clearTimeout(this.#restartTimer)
    await this.#informer.stop()
  }

  #seen(object: T, kind: 'add' | 'update' | 'delete'): void {
    this.#lastSeen = Date.now()
    this.#options.onEvent(object, kind)
  }

  #scheduleRestart(): void {
    if (this.#stopped || this.#restartTimer) return
    const delay = Math.min(1000 * 2 ** this.#failures, this.#options.maxBackoffMs ?? 30_000)
    this.#failures++
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = undefined
      void this.#restart()
    }, delay)
    this.#restartTimer.unref()
  }

  async #restart(): Promise<void> {
    if (this.#stopped) return
    this.restarts++
    try {
      await this.#informer.stop()
      await this.#informer.start()
    } catch (error) {
      this.#options.log(`informer ${this.#options.path}: restart failed: ${describeError(error)}`)
      this.#scheduleRestart()
    }
  }
}
