import { describe, expect, it } from 'vitest'
import { boundedMemo } from './bounded-memo.ts'

describe('boundedMemo', () => {
  it('derives each key once and shares the value', () => {
    const memo = boundedMemo<{ key: string }>(4)
    let made = 0
    const make = (key: string) => () => {
      made++
      return { key }
    }
    const first = memo('a', make('a'))
    expect(memo('a', make('a'))).toBe(first)
    expect(memo('b', make('b'))).toEqual({ key: 'b' })
    expect(made).toBe(2)
  })

  it('starts over past its limit instead of growing', () => {
    const memo = boundedMemo<number>(2)
    let made = 0
    const make = () => ++made
    memo('a', make)
    memo('b', make)
    memo('c', make) // full: forgets a and b
    memo('a', make)
    expect(made).toBe(4)
    memo('c', make) // c and a are kept
    expect(made).toBe(4)
  })
})
