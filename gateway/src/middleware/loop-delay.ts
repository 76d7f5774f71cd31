// How far behind the event loop runs, smoothed over about a second. One gateway process is one
// thread: once it has more work than CPU, work waits its turn. Established streams' reads wait in
// the read queue (streaming/read-queue.ts), which runs a few milliseconds a turn so that new
// requests go first; what they wait there shows how far behind the process is even while its
// timers fire on time. A pod throttled by its CPU limit is stopped outright for part of every
// period, and then its timers run late. The delay is the later of the two; adaptive-limit.ts
// bounds the requests in flight by it. Pure: loop-delay-watch.ts feeds it samples.

/** Time constant of the smoothing: a lone pause (a garbage collection) hardly moves it. */
export const SMOOTHING_MS = 500

/**
 * The smoothed delay after one sample: a timer meant to fire after `intervalMs` fired
 * `elapsedMs` after the previous one, while the oldest of the established streams' reads had
 * waited `queuedMs` in the read queue (streaming/read-queue.ts), whichever is later. Samples are
 * weighted by the time they cover, so a saturated loop, which samples rarely, moves the average as
 * fast per second as an idle one.
 */
export function nextLoopDelay(
  delayMs: number,
  sample: { elapsedMs: number; intervalMs: number; queuedMs?: number },
): number {
  const lateMs = Math.max(0, sample.elapsedMs - sample.intervalMs, sample.queuedMs ?? 0)
  const weight = 1 - Math.exp(-Math.max(0, sample.elapsedMs) / SMOOTHING_MS)
  return delayMs + (lateMs - delayMs) * weight
}
