import { describe, expect, it } from 'vitest'
import { median, percentile, splitStreamCost, summarize } from './stats.ts'

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

  it('splits CPU per chunk into a per-chunk and a per-stream part', () => {
    // 40 µs a chunk and 600 µs a stream: 70 µs per chunk over 20 chunks, 50 over 60.
    const split = splitStreamCost(
      { chunks: 20, microsPerChunk: 70 },
      { chunks: 60, microsPerChunk: 50 },
    )
    expect(split.perChunkMicros).toBeCloseTo(40)
    expect(split.perStreamMicros).toBeCloseTo(600)
  })
})
