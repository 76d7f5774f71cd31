import { describe, expect, it } from 'vitest'
import { stickyPoint } from './sticky.ts'

describe('sticky point', () => {
  it('is stable for a value and lies in [0, 1)', () => {
    expect(stickyPoint('session-1')).toBe(stickyPoint('session-1'))
    for (const value of ['', 'a', 'session-1', 'é'.repeat(50)]) {
      expect(stickyPoint(value)).toBeGreaterThanOrEqual(0)
      expect(stickyPoint(value)).toBeLessThan(1)
    }
  })

  it('spreads similar session ids evenly enough for weights to hold', () => {
    let below = 0
    const sessions = 4000
    for (let i = 0; i < sessions; i += 1) if (stickyPoint(`session-${i}`) < 0.1) below += 1
    // 10% ± 5 standard deviations of a binomial(4000, 0.1): 400 ± 95.
    expect(below).toBeGreaterThan(305)
    expect(below).toBeLessThan(495)
  })
})
