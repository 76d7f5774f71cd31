import { describe, expect, it } from 'vitest'
import { goDuration } from './rate-limit-headers.ts'
import { bucketTtlMs, canTake, levelAt, msUntilAvailable, msUntilFull } from './token-bucket.ts'

describe('token bucket', () => {
  it('starts full and refills at the limit per minute, never above it', () => {
    expect(levelAt(undefined, 60, 0)).toBe(60)
    expect(levelAt({ level: 0, at: 1_000 }, 60, 1_000)).toBe(0)
    expect(levelAt({ level: 0, at: 1_000 }, 60, 31_000)).toBe(30)
    expect(levelAt({ level: 0, at: 1_000 }, 60, 500_000)).toBe(60)
  })

  it('never refills backwards when a replica clock is behind', () => {
    expect(levelAt({ level: 10, at: 5_000 }, 60, 4_000)).toBe(10)
  })

  it('admits a cost up to the level, a cost above the limit only on a full bucket, nothing in debt', () => {
    expect(canTake(5, 60, 5)).toBe(true)
    expect(canTake(4.9, 60, 5)).toBe(false)
    expect(canTake(60, 60, 500)).toBe(true)
    expect(canTake(59, 60, 500)).toBe(false)
    expect(canTake(-3, 60, 1)).toBe(false)
  })

  it('tells when the bucket is full again and when a cost becomes available', () => {
    expect(msUntilFull(59, 60)).toBe(1_000)
    expect(msUntilFull(60, 60)).toBe(0)
    expect(msUntilFull(-60, 60)).toBe(120_000)
    expect(msUntilAvailable(0, 60, 1)).toBe(1_000)
    expect(msUntilAvailable(0.5, 60, 1)).toBe(500)
    expect(bucketTtlMs(0, 60)).toBe(61_000)
  })
})

describe('goDuration, as OpenAI writes x-ratelimit-reset-*', () => {
  it.each([
    [0, '0ms'],
    [12, '12ms'],
    [999.2, '1s'],
    [1_000, '1s'],
    [9_816, '9.816s'],
    [360_000, '6m0s'],
    [61_500, '1m1.5s'],
    [3_723_000, '1h2m3s'],
  ])('%d ms is %s', (ms, text) => {
    expect(goDuration(ms)).toBe(text)
  })
})
