import { describe, expect, it } from 'vitest'
import { createRandomBytes, newCompletionId, newResponseId } from './random-ids.ts'

describe('random ids', () => {
  it('never hands out the same pool bytes twice, across refills', () => {
    const take = createRandomBytes(64)
    const seen = new Set<string>()
    for (let index = 0; index < 200; index++) seen.add(take(18).toString('hex'))
    expect(seen.size).toBe(200)
    expect(() => take(65)).toThrow(RangeError)
  })

  it('keeps the id shapes', () => {
    expect(newCompletionId()).toMatch(/^chatcmpl-[A-Za-z0-9_-]{24}$/)
    expect(newResponseId()).toMatch(/^resp_[0-9a-f]{48}$/)
    expect(newCompletionId()).not.toBe(newCompletionId())
  })
})
