import { describe, expect, it } from 'vitest'
import { median, percentile, summarize } from './stats.ts'

describe('bench statistics', () => {
  it('takes percentiles by nearest rank', () => {
    const samples = Array.from({ length: 100 }, (_, index) => 100 - index)
    expect(percentile(samples, 0.5)).toBe(50)
    expect(percentile(samples, 0.99)).toBe(99)
    expect(percentile(samples, 1)).toBe(100)
    expect(percentile([], 0.5)).toBeNaN()
  })

  it('ignores rounds that produced no figure in a median', () => {
    expect(median([3, Number.NaN, 1, 2])).toBe(2)
  })

  it('summarizes latency samples', () => {
    expect(summarize([4, 1, 3, 2])).toEqual({ count: 4, p50: 2, p90: 4, p99: 4, max: 4 })
  })
})
