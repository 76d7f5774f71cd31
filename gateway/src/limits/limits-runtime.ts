// Wires token governance for server.ts: with a Redis URL, shared counters with a memory fallback
// and a heartbeat that counts replicas; without one, this replica's memory alone. The only file of
// limits/ that opens sockets or starts timers.
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { errorFields, type Logger } from '../app-logger.ts'
import type { LimitsMetrics } from '../metrics/limits-metrics.ts'
import type { CostOf } from './cost-of.ts'
import { createFailoverStore } from './failover-store.ts'
import { createLimiter, type Limiter } from './limiter.ts'
import { createMemoryStore } from './memory-store.ts'
import { createRedisStore } from './redis-store.ts'
import { replicaDivisor } from './replica-share.ts'

export interface LimitsRuntimeOptions {
  redisUrl: string | undefined
  /** A limit check waits no longer than this for Redis before the memory fallback decides. */
  redisTimeoutMs: number
  /**
   * Replicas sharing each limit as known outside Redis (a fixed hint, or the live count of the
   * gateway's Service); wins over the heartbeat count. Undefined when unknown.
   */
  replicas: () => number | undefined
  metrics: LimitsMetrics
  costOf: CostOf
  logger: Logger
  clock: () => number
}

export interface LimitsRuntime {
  limiter: Limiter
  close(): Promise<void>
}

/** How often a replica says it is alive, and how long a silent one still counts. */
const HEARTBEAT_MS = 2_000
const REPLICA_WINDOW_MS = 10_000
const RECONNECT_MS = 500

export function startLimitsRuntime(options: LimitsRuntimeOptions): LimitsRuntime {
  const { logger, metrics } = options
  let heartbeatCount: number | undefined
  const replicas = (): number => options.replicas() ?? heartbeatCount ?? 1
  const memory = createMemoryStore({ replicas })
  metrics.countReplicasWith(() => replicaDivisor(replicas()))
  const onSettleError = (error: unknown): void => {
    logger.warn('settling token usage failed', errorFields(error))
  }
  if (options.redisUrl === undefined) {
    const limiter = createLimiter({
      store: memory,
      degraded: () => false,
      metrics,
      costOf: options.costOf,
      clock: options.clock,
      onSettleError,
    })
    return { limiter, close: () => Promise.resolve() }
  }

  // No offline queue and no per-command retries: a limit check must fail fast to the fallback
  // rather than wait for a reconnect; the connection itself keeps retrying in the background.
  const redis = new Redis(options.redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.redisTimeoutMs,
    connectTimeout: 1_000,
    retryStrategy: () => RECONNECT_MS,
  })
  const shared = createRedisStore(redis)
  const store = createFailoverStore({
    primary: shared,
    fallback: memory,
    connected: () => redis.status === 'ready',
    onDegraded(degraded, cause) {
      metrics.degraded.set(degraded ? 1 : 0)
      if (degraded)
        logger.warn('rate limit store unreachable; enforcing per-replica shares', {
          replicas: replicas(),
          ...(cause === undefined ? {} : errorFields(cause)),
        })
      else logger.info('rate limit store reachable again; limits are shared')
    },
  })
  const replicaId = randomBytes(8).toString('hex')
  const beat = (): void => {
    if (redis.status !== 'ready') {
      store.mark(true)
      return
    }
    shared
      .heartbeat(replicaId, options.clock(), REPLICA_WINDOW_MS)
      .then((count) => {
        heartbeatCount = count
        store.mark(false)
      })
      .catch((error: unknown) => {
        store.mark(true, error)
      })
  }
  redis.on('ready', beat)
  redis.on('close', () => {
    store.mark(true)
  })
  // Without a listener ioredis reports every failed reconnect as an unhandled error.
  redis.on('error', () => {
    if (redis.status !== 'ready') store.mark(true)
  })
  const timer = setInterval(beat, HEARTBEAT_MS)
  timer.unref()

  const limiter = createLimiter({
    store,
    degraded: () => store.degraded(),
    metrics,
    costOf: options.costOf,
    clock: options.clock,
    onSettleError,
  })
  return {
    limiter,
    async close() {
      clearInterval(timer)
      redis.disconnect()
      return Promise.resolve()
    },
  }
}
