import { describe, expect, it } from 'vitest'
import { createTokenCache, tokenExpiryMs } from './token-cache.ts'
import type { TokenReviewResult } from './token-review.ts'

const jwt = (claims: Record<string, unknown>): string =>
  `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`

function setup(verdict: (token: string) => TokenReviewResult, options = {}) {
  let now = 1_000_000
  const reviewed: string[] = []
  const review = createTokenCache({
    review: (token) => {
      reviewed.push(token)
      return Promise.resolve(verdict(token))
    },
    clock: () => now,
    positiveTtlMs: 60_000,
    negativeTtlMs: 5_000,
    maxEntries: 2,
    ...options,
  })
  return { review, reviewed, advance: (ms: number) => (now += ms) }
}

const ok: TokenReviewResult = { authenticated: true, username: 'system:serviceaccount:a:b' }
const no: TokenReviewResult = { authenticated: false, reason: 'bad' }

describe('token cache', () => {
  it('reads exp from a JWT and nothing from other strings', () => {
    expect(tokenExpiryMs(jwt({ exp: 1_700_000_000 }))).toBe(1_700_000_000_000)
    expect(tokenExpiryMs('sk-not-a-jwt')).toBeUndefined()
    expect(tokenExpiryMs('a.!!!.c')).toBeUndefined()
  })

  it('keeps a valid verdict for the TTL, then reviews again', async () => {
    const { review, reviewed, advance } = setup(() => ok)
    const token = jwt({})
    expect(await review(token)).toEqual(ok)
    expect(await review(token)).toEqual(ok)
    expect(reviewed).toHaveLength(1)
    advance(60_001)
    await review(token)
    expect(reviewed).toHaveLength(2)
  })

  it('keeps a valid verdict no longer than the token lives', async () => {
    const { review, reviewed, advance } = setup(() => ok)
    const token = jwt({ exp: (1_000_000 + 10_000) / 1000 })
    await review(token)
    advance(10_001)
    await review(token)
    expect(reviewed).toHaveLength(2)
  })

  it('keeps a refusal only briefly', async () => {
    const { review, reviewed, advance } = setup(() => no)
    const token = jwt({})
    await review(token)
    await review(token)
    expect(reviewed).toHaveLength(1)
    advance(5_001)
    await review(token)
    expect(reviewed).toHaveLength(2)
  })

  it('evicts the least recently used entry past its bound', async () => {
    const { review, reviewed } = setup(() => ok)
    const [a, b, c] = [jwt({ n: 1 }), jwt({ n: 2 }), jwt({ n: 3 })]
    await review(a)
    await review(b)
    await review(a) // a is now the most recently used
    await review(c) // evicts b
    await review(a)
    expect(reviewed).toEqual([a, b, c])
    await review(b)
    expect(reviewed).toEqual([a, b, c, b])
  })

  it('shares one review between concurrent requests with the same new token', async () => {
    const { review, reviewed } = setup(() => ok)
    const token = jwt({})
    await Promise.all([review(token), review(token), review(token)])
    expect(reviewed).toHaveLength(1)
  })

  it('does not cache a review that failed', async () => {
    let calls = 0
    const review = createTokenCache({
      review: () => {
        calls += 1
        return Promise.reject(new Error('apiserver down'))
      },
      clock: () => 0,
    })
    await expect(review(jwt({}))).rejects.toThrow('apiserver down')
    await expect(review(jwt({}))).rejects.toThrow('apiserver down')
    expect(calls).toBe(2)
  })
})
