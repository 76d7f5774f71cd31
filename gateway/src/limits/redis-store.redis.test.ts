// The Lua scripts against a real Debian redis-server (test/support/redis.ts): atomic admission
// under concurrency, settlement, budget expiry, the script cache lost on a restart, and the
// failover to per-replica shares while Redis is down.
import { Redis } from 'ioredis'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startRedis, type RunningRedis } from '../../../test/support/redis.ts'
import { createFailoverStore } from './failover-store.ts'
import type { BudgetCheck, RateCheck } from './limit-plan.ts'
import { createMemoryStore } from './memory-store.ts'
import { createRedisStore, REPLICAS_KEY } from './redis-store.ts'

let server: RunningRedis
let redis: Redis

beforeAll(async () => {
  server = await startRedis('limits-store')
  redis = new Redis(server.url, { maxRetriesPerRequest: 1, retryStrategy: () => 100 })
})

afterAll(async () => {
  redis.disconnect()
  await server.stop()
})

beforeEach(async () => {
  await redis.flushall()
})

const NOW = 1_800_000_000_000

const rpm = (limit: number, key = 'strata:limits:{p}:project:rpm'): RateCheck => ({
  kind: 'rate',
  key,
  scope: 'project',
  unit: 'requests',
  limit,
  cost: 1,
})

const dayTokens = (limit: number): BudgetCheck => ({
  kind: 'budget',
  key: 'strata:limits:{p}:budget:day:2027-01-15:tokens',
  unit: 'tokens',
  period: 'day',
  limit,
  endsAt: NOW + 60_000,
  ttlMs: 120_000,
})

describe('Redis limit store', () => {
  it('admits exactly the limit out of 200 concurrent requests from two clients', async () => {
    const other = new Redis(server.url)
    try {
      const [one, two] = [createRedisStore(redis), createRedisStore(other)]
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, index) =>
          (index % 2 === 0 ? one : two).admit([rpm(37)], NOW + (index % 3)),
        ),
      )
      expect(results.filter((result) => result.admitted)).toHaveLength(37)
    } finally {
      other.disconnect()
    }
  })

  it('takes nothing from any counter when one check of a request fails', async () => {
    const store = createRedisStore(redis)
    const wide = rpm(100, 'strata:limits:{p}:route:a/b:rpm')
    expect((await store.admit([wide, rpm(1)], NOW)).admitted).toBe(true)
    const refused = await store.admit([wide, rpm(1)], NOW)
    expect(refused.admitted).toBe(false)
    expect(refused.states.map((state) => state.admitted)).toEqual([true, false])
    expect(refused.states[0]?.level).toBe(99)
    expect(Number(await redis.hget(wide.key, 'l'))).toBe(99)
  })

  it('refills continuously and keeps fractional levels (Redis would truncate a Lua float)', async () => {
    const store = createRedisStore(redis)
    await store.admit([rpm(60)], NOW)
    const later = await store.admit([rpm(60)], NOW + 500)
    expect(later.states[0]?.level).toBeCloseTo(58.5, 6)
    const ttl = await redis.pttl(rpm(60).key)
    expect(ttl).toBeGreaterThan(1_000)
    expect(ttl).toBeLessThanOrEqual(2_500)
  })

  it('settles tokens into buckets (debt included) and budgets, with the period TTL', async () => {
    const store = createRedisStore(redis)
    const tpm: RateCheck = {
      ...rpm(1_000, 'strata:limits:{p}:project:tpm'),
      unit: 'tokens',
      cost: 100,
    }
    await store.admit([tpm, dayTokens(500)], NOW)
    await store.settle(
      [
        { check: tpm, delta: 1_200 },
        { check: dayTokens(500), delta: 1_300 },
      ],
      NOW,
    )
    expect(Number(await redis.hget(tpm.key, 'l'))).toBe(1_000 - 100 - 1_200)
    expect(Number(await redis.get(dayTokens(500).key))).toBe(1_300)
    expect(await redis.pttl(dayTokens(500).key)).toBeGreaterThan(100_000)
    const after = await store.admit([tpm, dayTokens(500)], NOW)
    expect(after.admitted).toBe(false)
    expect(after.states.map((state) => state.admitted)).toEqual([false, false])
  })

  it('counts live replicas in the heartbeat set and forgets silent ones', async () => {
    const store = createRedisStore(redis)
    expect(await store.heartbeat('a', NOW, 10_000)).toBe(1)
    expect(await store.heartbeat('b', NOW + 1_000, 10_000)).toBe(2)
    expect(await store.heartbeat('b', NOW + 10_500, 10_000)).toBe(1)
    expect(await redis.zrange(REPLICAS_KEY, '0', '-1')).toEqual(['b'])
  })

  it('survives the script cache being flushed (EVALSHA falls back to EVAL)', async () => {
    const store = createRedisStore(redis)
    await store.admit([rpm(5)], NOW)
    await redis.script('FLUSH')
    const again = await store.admit([rpm(5)], NOW)
    expect(again.states[0]?.level).toBe(3)
  })
})

describe('failover to per-replica shares', () => {
  it('goes degraded when Redis dies, enforces limit / replicas, and recovers when it is back', async () => {
    const client = new Redis(server.url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 250,
      retryStrategy: () => 100,
    })
    const changes: boolean[] = []
    try {
      await new Promise((resolve) => client.once('ready', resolve))
      const store = createFailoverStore({
        primary: createRedisStore(client),
        fallback: createMemoryStore({ replicas: () => 4 }),
        connected: () => client.status === 'ready',
        onDegraded: (degraded) => changes.push(degraded),
      })
      expect((await store.admit([rpm(40)], NOW)).states[0]?.limit).toBe(40)
      // A budget spent while Redis was up stays spent after it goes.
      expect((await store.admit([dayTokens(10)], NOW)).admitted).toBe(true)
      await store.settle([{ check: dayTokens(10), delta: 10 }], NOW)
      expect((await store.admit([dayTokens(10)], NOW)).admitted).toBe(false)
      await server.kill()
      expect((await store.admit([dayTokens(10)], NOW)).admitted).toBe(false)
      const during = await Promise.all(
        Array.from({ length: 20 }, () => store.admit([rpm(40)], NOW)),
      )
      expect(store.degraded()).toBe(true)
      expect(during.filter((result) => result.admitted)).toHaveLength(10)
      expect(during[0]?.states[0]?.limit).toBe(10)
      await server.restart()
      const deadline = Date.now() + 5_000
      while (client.status !== 'ready' && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50))
      const after = await store.admit([rpm(40)], NOW)
      expect(after.states[0]?.limit).toBe(40)
      expect(store.degraded()).toBe(false)
      expect(changes).toEqual([true, false])
    } finally {
      client.disconnect()
    }
  })
})
