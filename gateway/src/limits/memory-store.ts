// Counters in this replica's memory. Alone, it is the whole store (no Redis configured); behind
// failover-store.ts, it is the fallback while Redis is unreachable, enforcing `limit / replicas` so
// that the fleet as a whole stays near the configured limit without talking to anyone.
import type { BudgetCheck, Check } from './limit-plan.ts'
import type { AdmitResult, CheckState, LimitStore, Settlement } from './limit-store.ts'
import { replicaShare } from './replica-share.ts'
import { bucketTtlMs, canTake, levelAt } from './token-bucket.ts'

export interface MemoryStoreOptions {
  /** How many replicas share each limit; read on every call, since it may change. */
  replicas: () => number
}

interface Bucket {
  level: number
  at: number
  /** When the key may be forgotten: a full bucket and an absent one are the same. */
  expiresAt: number
}

interface Counter {
  used: number
  expiresAt: number
}

export interface MemoryStore extends LimitStore {
  /** Number of live counters, for tests of expiry. */
  size(): number
  /**
   * Starts a budget counter that does not exist yet from what the shared store last reported, in
   * proportion to this replica's share: a budget spent before Redis went away stays spent.
   */
  seedBudget(check: BudgetCheck, used: number): void
}

export function createMemoryStore(options: MemoryStoreOptions): MemoryStore {
  const buckets = new Map<string, Bucket>()
  const counters = new Map<string, Counter>()
  const share = (limit: number): number => replicaShare(limit, options.replicas())

  // Expired keys are dropped at most once a second, so that admission stays O(checks).
  let sweptAt = Number.NEGATIVE_INFINITY
  function sweep(now: number): void {
    if (now - sweptAt < 1_000) return
    sweptAt = now
    for (const [key, bucket] of buckets) if (bucket.expiresAt <= now) buckets.delete(key)
    for (const [key, counter] of counters) if (counter.expiresAt <= now) counters.delete(key)
  }

  function stateOf(check: Check, now: number): CheckState {
    const limit = share(check.limit)
    if (check.kind === 'rate') {
      const level = levelAt(buckets.get(check.key), limit, now)
      return { level, limit, admitted: canTake(level, limit, check.cost) }
    }
    const used = counters.get(check.key)?.used ?? 0
    return { level: used, limit, admitted: used < limit }
  }

  function take(check: Check, state: CheckState, delta: number, now: number): void {
    if (check.kind === 'rate') {
      const level = Math.min(state.limit, state.level - delta)
      buckets.set(check.key, { level, at: now, expiresAt: now + bucketTtlMs(level, state.limit) })
      return
    }
    counters.set(check.key, { used: state.level + delta, expiresAt: now + check.ttlMs })
  }

  return {
    admit(checks, now) {
      sweep(now)
      const states = checks.map((check) => stateOf(check, now))
      const admitted = states.every((state) => state.admitted)
      if (admitted) {
        checks.forEach((check, index) => {
          const state = states[index]
          if (state === undefined || check.kind !== 'rate') return
          take(check, state, check.cost, now)
          state.level = Math.min(state.limit, state.level - check.cost)
        })
      }
      return Promise.resolve({ admitted, states } satisfies AdmitResult)
    },
    settle(settlements: readonly Settlement[], now) {
      for (const { check, delta } of settlements) {
        if (delta === 0) continue
        take(check, stateOf(check, now), delta, now)
      }
      return Promise.resolve()
    },
    size: () => buckets.size + counters.size,
    seedBudget(check, used) {
      if (counters.has(check.key)) return
      counters.set(check.key, {
        used: replicaShare(used, options.replicas()),
        expiresAt: check.endsAt + 86_400_000,
      })
    },
  }
}
