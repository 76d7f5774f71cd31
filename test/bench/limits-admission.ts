// What a limit check costs a request: one admission (route RPM+TPM, project RPM+TPM, a daily
// budget) against this replica's memory, and against a real local redis-server (one EVALSHA round
// trip), one at a time and 64 at a time. Prints a markdown table. Run with
// `node test/bench/limits-admission.ts`.
import { performance } from 'node:perf_hooks'
import { Redis } from 'ioredis'
import type { Check } from '../../gateway/src/limits/limit-plan.ts'
import type { LimitStore } from '../../gateway/src/limits/limit-store.ts'
import { createMemoryStore } from '../../gateway/src/limits/memory-store.ts'
import { createRedisStore } from '../../gateway/src/limits/redis-store.ts'
import { startRedis } from '../support/redis.ts'

const base = 'strata:limits:{bench/project}'
const checks: Check[] = [
  {
    kind: 'rate',
    key: `${base}:route:bench/chat:rpm`,
    scope: 'route',
    unit: 'requests',
    limit: 1e6,
    cost: 1,
  },
  {
    kind: 'rate',
    key: `${base}:route:bench/chat:tpm`,
    scope: 'route',
    unit: 'tokens',
    limit: 1e9,
    cost: 500,
  },
  {
    kind: 'rate',
    key: `${base}:project:rpm`,
    scope: 'project',
    unit: 'requests',
    limit: 1e6,
    cost: 1,
  },
  {
    kind: 'rate',
    key: `${base}:project:tpm`,
    scope: 'project',
    unit: 'tokens',
    limit: 1e9,
    cost: 500,
  },
  {
    kind: 'budget',
    key: `${base}:budget:day:bench:tokens`,
    unit: 'tokens',
    period: 'day',
    limit: 1e12,
    endsAt: Date.now() + 3_600_000,
    ttlMs: 3_600_000,
  },
]

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0

async function sequential(store: LimitStore, count: number): Promise<number[]> {
  const times: number[] = []
  for (let i = 0; i < count; i += 1) {
    const start = performance.now()
    await store.admit(checks, Date.now())
    times.push(performance.now() - start)
  }
  return times.sort((a, b) => a - b)
}

async function throughput(store: LimitStore, count: number, inFlight: number): Promise<number> {
  let next = 0
  const start = performance.now()
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) {
        next += 1
        await store.admit(checks, Date.now())
      }
    }),
  )
  return count / ((performance.now() - start) / 1000)
}

const redisServer = await startRedis('bench-limits')
const redis = new Redis(redisServer.url)
try {
  const stores: [string, LimitStore][] = [
    ['memory', createMemoryStore({ replicas: () => 1 })],
    ['redis (local, EVALSHA)', createRedisStore(redis)],
  ]
  console.log('| store | admit p50 | admit p99 | admissions/s, 64 in flight |')
  console.log('|---|---|---|---|')
  for (const [name, store] of stores) {
    await sequential(store, 200)
    const times = await sequential(store, 3_000)
    const rate = await throughput(store, 10_000, 64)
    console.log(
      `| ${name} | ${percentile(times, 50).toFixed(3)} ms | ${percentile(times, 99).toFixed(3)} ms | ${Math.round(rate).toLocaleString('en')} |`,
    )
  }
} finally {
  redis.disconnect()
  await redisServer.stop()
}
