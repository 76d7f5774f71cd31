import { describe, expect, it } from 'vitest'
import {
  CUT_MS,
  GROWN_STEPS,
  MIN_LIMIT,
  STEP_MS,
  nextLimit,
  unlimited,
  type AdaptiveLimit,
} from './adaptive-limit.ts'

const BOUND = 100

describe('the in-flight limit the loop delay allows', () => {
  it('stays unlimited while the loop is on time', () => {
    let state: AdaptiveLimit = unlimited
    for (let at = STEP_MS; at < 10_000; at += STEP_MS)
      state = nextLimit(state, { delayMs: 5, inFlight: 500, at }, BOUND)
    expect(state.limit).toBe(Number.POSITIVE_INFINITY)
  })

  it('falls below what is in flight once the loop is late, and keeps falling while it stays late', () => {
    const first = nextLimit(unlimited, { delayMs: 150, inFlight: 400, at: 1_000 }, BOUND)
    expect(first.limit).toBe(360)
    // Not again until the first cut can show in the smoothed delay.
    expect(nextLimit(first, { delayMs: 150, inFlight: 400, at: 1_500 }, BOUND)).toBe(first)
    const second = nextLimit(first, { delayMs: 150, inFlight: 380, at: 1_000 + CUT_MS }, BOUND)
    expect(second.limit).toBe(324)
  })

  it('never falls below a few requests, so a process can find out it has caught up', () => {
    let state: AdaptiveLimit = unlimited
    for (let at = CUT_MS; at < 60_000; at += CUT_MS)
      state = nextLimit(state, { delayMs: 1_000, inFlight: 3, at }, BOUND)
    expect(state.limit).toBe(MIN_LIMIT)
  })

  it('holds between half the bound and the bound, and grows by a fifth per step below half', () => {
    const limited = { limit: 100, movedAt: 0, cutAt: 0 }
    expect(nextLimit(limited, { delayMs: 70, inFlight: 100, at: 1_000 }, BOUND)).toBe(limited)
    const grown = nextLimit(limited, { delayMs: 20, inFlight: 100, at: STEP_MS }, BOUND)
    expect(grown).toEqual({ limit: 120, movedAt: STEP_MS, cutAt: 0 })
    expect(nextLimit(grown, { delayMs: 20, inFlight: 100, at: 2 * STEP_MS - 1 }, BOUND)).toBe(grown)
    const small = { limit: 4, movedAt: 0, cutAt: 0 }
    expect(nextLimit(small, { delayMs: 0, inFlight: 4, at: STEP_MS }, BOUND).limit).toBe(5)
  })

  it('takes the steps of a quiet spell on time at once, and lifts the limit after ten seconds', () => {
    const cut = { limit: 10, movedAt: 0, cutAt: 0 }
    // Two steps' worth of time: 10 → 12 → 15.
    expect(nextLimit(cut, { delayMs: 0, inFlight: 0, at: 2 * STEP_MS + 10 }, BOUND)).toEqual({
      limit: 15,
      movedAt: 2 * STEP_MS,
      cutAt: 0,
    })
    const lifted = nextLimit(cut, { delayMs: 0, inFlight: 0, at: GROWN_STEPS * STEP_MS }, BOUND)
    expect(lifted.limit).toBe(Number.POSITIVE_INFINITY)
  })

  it('cuts at once when the loop turns late just after a step up', () => {
    const grown = { limit: 120, movedAt: 5_000, cutAt: 0 }
    expect(nextLimit(grown, { delayMs: 150, inFlight: 120, at: 5_010 }, BOUND).limit).toBe(108)
  })
})
