// A cache of TokenReview verdicts, so a steady caller costs one review per token lifetime rather
// than one per request. Keyed by the token's SHA-256 (the cache holds no usable token). A verdict
// of "valid" lasts until the token expires or `positiveTtlMs`, whichever is first; "invalid" lasts
// `negativeTtlMs`, briefly, so a ServiceAccount granted access a moment later is not locked out
// and a flood of bad tokens cannot hammer the apiserver. Bounded: the least recently used entry
// goes first. Concurrent requests with one new token share a single review.
import { createHash } from 'node:crypto'
import type { TokenReviewer, TokenReviewResult } from './token-review.ts'

export interface TokenCacheOptions {
  review: TokenReviewer
  /** Epoch milliseconds. */
  clock: () => number
  positiveTtlMs?: number
  negativeTtlMs?: number
  maxEntries?: number
}

interface Entry {
  result: TokenReviewResult
  expiresAtMs: number
}

/**
 * The `exp` claim of a JWT, in epoch milliseconds. Read without verifying the signature: it only
 * shortens how long the apiserver's verdict is kept, never lengthens it.
 */
export function tokenExpiryMs(token: string): number | undefined {
  const payload = token.split('.')[1]
  if (payload === undefined) return undefined
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown
    const exp = (claims as { exp?: unknown } | null)?.exp
    return typeof exp === 'number' ? exp * 1000 : undefined
  } catch {
    return undefined
  }
}

export function createTokenCache(options: TokenCacheOptions): TokenReviewer {
  const positiveTtlMs = options.positiveTtlMs ?? 5 * 60_000
  const negativeTtlMs = options.negativeTtlMs ?? 10_000
  const maxEntries = options.maxEntries ?? 10_000
  const entries = new Map<string, Entry>()
  const pending = new Map<string, Promise<TokenReviewResult>>()

  function remember(key: string, token: string, result: TokenReviewResult): void {
    const now = options.clock()
    const expiresAtMs = result.authenticated
      ? Math.min(now + positiveTtlMs, tokenExpiryMs(token) ?? Infinity)
      : now + negativeTtlMs
    entries.delete(key)
    entries.set(key, { result, expiresAtMs })
    while (entries.size > maxEntries) {
      const oldest = entries.keys().next().value
      if (oldest === undefined) break
      entries.delete(oldest)
    }
  }

  return async function cachedReview(token) {
    const key = createHash('sha256').update(token).digest('hex')
    const entry = entries.get(key)
    if (entry !== undefined && entry.expiresAtMs > options.clock()) {
      // Map order is insertion order: re-inserting marks the entry most recently used.
      entries.delete(key)
      entries.set(key, entry)
      return entry.result
    }
    entries.delete(key)
    const inFlight = pending.get(key)
    if (inFlight !== undefined) return inFlight
    const review = options
      .review(token)
      .then((result) => {
        remember(key, token, result)
        return result
      })
      .finally(() => pending.delete(key))
    pending.set(key, review)
    return review
  }
}
