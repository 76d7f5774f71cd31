import { describe, expect, it } from 'vitest'
import type { BudgetCheck, RateCheck } from './limit-plan.ts'
import { createMemoryStore } from './memory-store.ts'

const rpm: RateCheck = {
  kind: 'rate',
  key: 'k:rpm',
  scope: 'route',
  unit: 'requests',
  limit: 30,
  cost: 1,
}
const budget: BudgetCheck = {
  kind: 'budget',
  key: 'k:budget',
  unit: 'tokens',
  period: 'day',
  limit: 1_000,
  endsAt: 86_400_000,
  ttlMs: 2 * 86_400_000,
}

describe('memory store', () => {
  it('enforces limit / replicas, and follows the replica count as it changes', async () => {
    let replicas = 3
    const store = createMemoryStore({ replicas: () => replicas })
    const admitted = await Promise.all(Array.from({ length: 15 }, () => store.admit([rpm], 0)))
    expect(admitted.filter((result) => result.admitted)).toHaveLength(10)
    expect(admitted[0]?.states[0]?.limit).toBe(10)
    // What was taken stays taken; the bucket now refills at the whole limit, 30 a minute.
    replicas = 1
    expect((await store.admit([rpm], 0)).states[0]).toMatchObject({ admitted: false, limit: 30 })
    expect((await store.admit([rpm], 2_000)).states[0]).toMatchObject({ admitted: true, level: 0 })
  })

  it('forgets full buckets after they expire', async () => {
    const store = createMemoryStore({ replicas: () => 1 })
    await store.admit([rpm], 0)
    expect(store.size()).toBe(1)
    await store.admit([], 60_000)
    expect(store.size()).toBe(0)
  })

  it('seeds a budget from the shared reading in proportion to its share, once', async () => {
    const store = createMemoryStore({ replicas: () => 2 })
    store.seedBudget(budget, 900)
    expect((await store.admit([budget], 0)).states[0]).toMatchObject({ level: 450, limit: 500 })
    await store.settle([{ check: budget, delta: 60 }], 0)
    store.seedBudget(budget, 0)
    expect((await store.admit([budget], 0)).admitted).toBe(false)
  })
})
