// Where counters live: Redis shared by every replica (redis-store.ts), this replica's memory
// (memory-store.ts), or Redis with memory as its fallback (failover-store.ts). One contract, so the
// limiter never knows which one answered.
import type { Check } from './limit-plan.ts'

export interface CheckState {
  /**
   * For a rate check, the bucket level after this request (before it, when refused); for a
   * budget, what the period has used so far.
   */
  level: number
  /** The limit this store enforces: the configured one, or a replica's share of it. */
  limit: number
  admitted: boolean
}

export interface AdmitResult {
  /** True when every check passed; the costs were then taken, and otherwise nothing was. */
  admitted: boolean
  /** One per check, in the order given. */
  states: CheckState[]
}

/** A correction made when the real usage is known: rate buckets and budget counters alike. */
export interface Settlement {
  check: Check
  /** Units to add (budgets) or take from the bucket (rates); negative gives back. */
  delta: number
}

export interface LimitStore {
  admit(checks: readonly Check[], now: number): Promise<AdmitResult>
  settle(settlements: readonly Settlement[], now: number): Promise<void>
}
