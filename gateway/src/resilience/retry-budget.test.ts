import { describe, expect, it } from 'vitest'
import { createRetryBudget } from './retry-budget.ts'

function budget(percent: number, reserve = 0) {
  let now = 0
  const retries = createRetryBudget({ percent, windowMs: 10_000, reserve, now: () => now })
  return {
    retries,
    advance: (ms: number) => {
      now += ms
    },
  }
}

describe('retry budget', () => {
  it('allows retries up to the percentage of requests in the window', () => {
    const { retries } = budget(20)
    for (let i = 0; i < 100; i += 1) retries.deposit()
    let spent = 0
    while (retries.trySpend()) spent += 1
    expect(spent).toBe(20)
  })

  it('keeps a small reserve for a quiet route, and none when the percentage is 0', () => {
    const quiet = budget(20, 3)
    quiet.retries.deposit()
    expect([1, 2, 3, 4].map(() => quiet.retries.trySpend())).toEqual([true, true, true, false])
    const off = budget(0, 3)
    off.retries.deposit()
    expect(off.retries.trySpend()).toBe(false)
  })

  it('forgets traffic that left the sliding window', () => {
    const { retries, advance } = budget(50)
    for (let i = 0; i < 10; i += 1) retries.deposit()
    expect(retries.available()).toBe(5)
    for (let i = 0; i < 5; i += 1) expect(retries.trySpend()).toBe(true)
    expect(retries.trySpend()).toBe(false)
    advance(10_500)
    expect(retries.available()).toBe(0)
    retries.deposit()
    retries.deposit()
    expect(retries.trySpend()).toBe(true)
  })

  it('under a storm where every request fails, retries stay at the percentage', () => {
    const { retries, advance } = budget(20, 3)
    let attempts = 0
    const requests = 1000
    for (let i = 0; i < requests; i += 1) {
      retries.deposit()
      attempts += 1
      // Each request wants two more attempts.
      for (let extra = 0; extra < 2 && retries.trySpend(); extra += 1) attempts += 1
      advance(10)
    }
    expect(attempts).toBeLessThanOrEqual(requests * 1.2 + 3 * 2)
    expect(attempts).toBeGreaterThan(requests * 1.15)
  })
})
