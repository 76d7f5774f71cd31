// A retry budget: each request deposits `percent`/100 of a retry, each extra attempt (a retry or
// a fallback) withdraws one, over a sliding window. When Bedrock throttles everything, retries are
// capped at that share of the traffic instead of multiplying it. A small reserve lets a quiet
// route still retry its occasional failure, as Finagle's RetryBudget does with minRetriesPerSec.
// Pure: time comes from `now`.

export interface RetryBudgetOptions {
  /** Extra attempts allowed per 100 requests; 0 disables retries (no reserve either). */
  percent: number
  /** Sliding window length in milliseconds. */
  windowMs: number
  /** Retries always allowed per window, on top of the percentage. */
  reserve: number
  now: () => number
}

export interface RetryBudget {
  /** Counts one client request. */
  deposit(): void
  /** Takes one retry from the budget; false when it is spent. */
  trySpend(): boolean
  /** Retries still allowed in the current window. */
  available(): number
}

// The window is cut in slots so that old traffic leaves it gradually, not all at once.
const SLOTS = 10

interface Slot {
  start: number
  requests: number
  retries: number
}

export function createRetryBudget(options: RetryBudgetOptions): RetryBudget {
  const slotMs = Math.max(1, Math.ceil(options.windowMs / SLOTS))
  const slots: Slot[] = []
  const current = (): Slot => {
    const now = options.now()
    const start = now - (now % slotMs)
    while (slots.length > 0 && (slots[0]?.start ?? 0) <= now - options.windowMs) slots.shift()
    const last = slots.at(-1)
    if (last !== undefined && last.start === start) return last
    const slot = { start, requests: 0, retries: 0 }
    slots.push(slot)
    return slot
  }
  const available = (): number => {
    current()
    if (options.percent <= 0) return 0
    let requests = 0
    let retries = 0
    for (const slot of slots) {
      requests += slot.requests
      retries += slot.retries
    }
    return Math.floor((requests * options.percent) / 100 + options.reserve) - retries
  }
  return {
    deposit() {
      current().requests += 1
    },
    trySpend() {
      if (available() < 1) return false
      current().retries += 1
      return true
    },
    available,
  }
}
