// The rate-limit algorithm: a token bucket per limit that holds at most `limit` units and refills
// continuously at `limit` per minute. It is what OpenAI's headers describe (remaining, and the time
// until the bucket is full again) and, unlike a fixed window, it admits no double burst at a
// window edge. Pure arithmetic shared by the in-memory store; redis-scripts.ts is its Lua twin.

export const WINDOW_MS = 60_000

/** Units in the bucket at `now`, given its level at `at`; a missing bucket is full. */
export function levelAt(
  state: { level: number; at: number } | undefined,
  limit: number,
  now: number,
): number {
  if (state === undefined) return limit
  const elapsed = Math.max(0, now - state.at)
  return Math.min(limit, state.level + (elapsed * limit) / WINDOW_MS)
}

/**
 * Whether a request costing `cost` may start. A cost above the whole limit is admitted on a full
 * bucket (and leaves it in debt) rather than refused forever; a bucket in debt admits nothing.
 */
export function canTake(level: number, limit: number, cost: number): boolean {
  return level >= Math.min(cost, limit) && level > 0
}

/** Milliseconds until a bucket at `level` is full again: OpenAI's `x-ratelimit-reset-*`. */
export function msUntilFull(level: number, limit: number): number {
  return Math.max(0, Math.ceil(((limit - level) * WINDOW_MS) / limit))
}

/** Milliseconds until a bucket at `level` holds `cost` (capped at the limit): `Retry-After`. */
export function msUntilAvailable(level: number, limit: number, cost: number): number {
  const need = Math.max(Math.min(cost, limit), Number.MIN_VALUE)
  return Math.max(0, Math.ceil(((need - level) * WINDOW_MS) / limit))
}

/** How long a bucket key must outlive its last write: afterwards a missing bucket reads as full. */
export function bucketTtlMs(level: number, limit: number): number {
  return msUntilFull(level, limit) + 1_000
}
