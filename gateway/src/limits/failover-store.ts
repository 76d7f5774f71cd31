// Redis first, this replica's memory when Redis cannot answer. Limits then hold per replica, at a
// share of each limit (memory-store.ts), and the degraded flag goes up, for the alert metric and for
// routes that would rather fail closed. Never the other way round: an unreachable Redis must not
// take the gateway down with it.
import type { AdmitResult, LimitStore, Settlement } from './limit-store.ts'
import type { Check } from './limit-plan.ts'
import type { MemoryStore } from './memory-store.ts'

export interface FailoverStoreOptions {
  primary: LimitStore
  fallback: MemoryStore
  /** Whether the primary's connection is up; when not, it is not even tried. */
  connected: () => boolean
  /** Called on every change of the degraded flag. */
  onDegraded: (degraded: boolean, cause?: unknown) => void
}

export interface FailoverStore extends LimitStore {
  degraded(): boolean
  /** Reports the primary's health from outside (connection events, heartbeats). */
  mark(degraded: boolean, cause?: unknown): void
}

export function createFailoverStore(options: FailoverStoreOptions): FailoverStore {
  let degraded = false
  const mark = (next: boolean, cause?: unknown): void => {
    if (next === degraded) return
    degraded = next
    options.onDegraded(next, cause)
  }

  async function attempt<T>(onPrimary: () => Promise<T>, onFallback: () => Promise<T>): Promise<T> {
    if (!options.connected()) {
      mark(true)
      return onFallback()
    }
    try {
      const result = await onPrimary()
      mark(false)
      return result
    } catch (error) {
      mark(true, error)
      return onFallback()
    }
  }

  // What each budget had used when Redis last answered, to seed the fallback's counters with.
  const lastUsed = new Map<string, number>()
  const remember = (checks: readonly Check[], result: AdmitResult): AdmitResult => {
    checks.forEach((check, index) => {
      const state = result.states[index]
      if (check.kind === 'budget' && state !== undefined) lastUsed.set(check.key, state.level)
    })
    return result
  }
  const seed = (checks: readonly Check[]): void => {
    for (const check of checks) {
      const used = lastUsed.get(check.key)
      if (check.kind === 'budget' && used !== undefined) options.fallback.seedBudget(check, used)
    }
  }

  return {
    admit: (checks: readonly Check[], now: number): Promise<AdmitResult> =>
      attempt(
        async () => remember(checks, await options.primary.admit(checks, now)),
        () => {
          seed(checks)
          return options.fallback.admit(checks, now)
        },
      ),
    settle: (settlements: readonly Settlement[], now: number): Promise<void> =>
      attempt(
        () => options.primary.settle(settlements, now),
        () => options.fallback.settle(settlements, now),
      ),
    degraded: () => degraded,
    mark,
  }
}
