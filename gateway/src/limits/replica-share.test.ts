import { describe, expect, it } from 'vitest'
import { createMemoryStore } from './memory-store.ts'
import { replicaShare } from './replica-share.ts'
import type { Check } from './limit-plan.ts'

describe('replica share', () => {
  it('divides a limit by the replica count', () => {
    expect(replicaShare(60, 1)).toBe(60)
    expect(replicaShare(60, 3)).toBe(20)
    expect(replicaShare(10, 4)).toBe(2.5)
  })

  it('never divides by less than one whole replica', () => {
    expect(replicaShare(60, 0)).toBe(60)
    expect(replicaShare(60, -2)).toBe(60)
    expect(replicaShare(60, Number.NaN)).toBe(60)
    expect(replicaShare(60, Number.POSITIVE_INFINITY)).toBe(60)
    expect(replicaShare(60, 2.9)).toBe(30)
  })

  it('is what the memory store admits, following the count as it changes', async () => {
    let replicas = 1
    const store = createMemoryStore({ replicas: () => replicas })
    const check = (key: string): Check => ({
      kind: 'rate',
      key,
      limit: 6,
      cost: 1,
      unit: 'requests',
      scope: 'route',
    })
    const admitted = async (key: string): Promise<number> => {
      let count = 0
      for (let i = 0; i < 10; i++) if ((await store.admit([check(key)], 0)).admitted) count++
      return count
    }
    expect(await admitted('one')).toBe(6)
    replicas = 3
    expect(await admitted('three')).toBe(2)
    replicas = 0
    expect(await admitted('none')).toBe(6)
  })
})
