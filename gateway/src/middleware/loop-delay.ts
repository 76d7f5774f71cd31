// How far behind the event loop runs, smoothed over about a second. One gateway process is one
// thread: once it has more work than CPU, every callback waits its turn, so a new stream's first
// token waits behind the chunks of every stream already open (a newcomer needs four or five turns
// before its first byte), and a pod throttled by its CPU limit is stopped outright for part of
// every period. The delay of the loop is that wait, measured directly; adaptive-limit.ts bounds
// the requests in flight by it. Pure: loop-delay-watch.ts feeds it timer samples.

/** Time constant of the smoothing: a lone pause (a garbage collection) hardly moves it. */
export const SMOOTHING_MS = 500

/**
 * The smoothed delay after one sample: a timer meant to fire after `intervalMs` fired
 * `elapsedMs` after the previous one. Samples are weighted by the time they cover, so a
 * saturated loop, which samples rarely, moves the average as fast per second as an idle one.
 */
export function nextLoopDelay(
  delayMs: number,
  sample: { elapsedMs: number; intervalMs: number },
): number {
  const lateMs = Math.max(0, sample.elapsedMs - sample.intervalMs)
  const weight = 1 - Math.exp(-Math.max(0, sample.elapsedMs) / SMOOTHING_MS)
  return delayMs + (lateMs - delayMs) * weight
}
