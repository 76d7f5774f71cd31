// The in-flight limit the event loop's delay allows (--shed-loop-delay-ms), adjusted by additive-
// and multiplicative steps like TCP's congestion window. Refusing new work only while the loop is
// late and admitting everything once it has caught up makes the waiting clients come back
// together, and the process is late again: the streams admitted in each wave start late, so the
// shedding buys them nothing. Bounding the number in flight instead holds the load at what the
// process carries on time: past the bound the limit falls to below what is in flight now, so
// the excess is refused while the streams admitted finish; on time, it grows back step by step.
// Pure: admission.ts calls it with the loop's state (loop-delay.ts) on each request it admits.

export interface AdaptiveLimit {
  /** Requests in flight at most; Infinity until the loop has first been late. */
  limit: number
  /** When the limit last moved, and when it was last cut, in monotonic milliseconds. */
  movedAt: number
  cutAt: number
}

export const unlimited: AdaptiveLimit = {
  limit: Number.POSITIVE_INFINITY,
  movedAt: Number.NEGATIVE_INFINITY,
  cutAt: Number.NEGATIVE_INFINITY,
}

/** At most one step up per this long. */
export const STEP_MS = 250
/**
 * At most one step down per this long: a cut shows in the smoothed delay only once the streams
 * it refused would have been served and the average has followed (about two of its time
 * constants), so cutting again sooner would cut for the same lateness twice.
 */
export const CUT_MS = 1_000
/** Steps up (ten seconds on time) after which the limit is lifted altogether. */
export const GROWN_STEPS = 40
/** Never below this: a process that admits nothing cannot find out it has caught up. */
export const MIN_LIMIT = 4

export function nextLimit(
  state: AdaptiveLimit,
  now: { delayMs: number; inFlight: number; at: number },
  boundMs: number,
): AdaptiveLimit {
  if (now.delayMs > boundMs) {
    if (now.at - state.cutAt < CUT_MS) return state
    // From what is in flight, not from the old limit, which may be far above it.
    const limit = Math.max(MIN_LIMIT, Math.floor(Math.min(state.limit, now.inFlight) * 0.9))
    return { limit, movedAt: now.at, cutAt: now.at }
  }
  if (now.delayMs < boundMs / 2 && Number.isFinite(state.limit)) {
    // The limit moves only when a request arrives: after a quiet spell on time it takes every
    // step it would have taken meanwhile, or a burst after a lull would meet the old limit.
    const steps = Math.floor((now.at - state.movedAt) / STEP_MS)
    if (steps < 1) return state
    let limit = state.limit
    for (let step = 0; step < Math.min(steps, GROWN_STEPS); step++)
      limit += Math.max(1, Math.ceil(limit * 0.2))
    if (steps >= GROWN_STEPS) limit = Number.POSITIVE_INFINITY
    return { ...state, limit, movedAt: state.movedAt + steps * STEP_MS }
  }
  return state
}
