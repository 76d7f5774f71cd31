// Samples the event loop's delay with one repeating timer (nextLoopDelay in loop-delay.ts). The
// timer is unref'd: it never keeps the process alive.
import { nextLoopDelay } from './loop-delay.ts'

export interface LoopDelayWatch {
  /** The smoothed delay in milliseconds. */
  delayMs: () => number
  stop: () => void
}

/**
 * Samples every intervalMs: 40 cheap wake-ups a second by default. `queuedMs`: how long the
 * oldest queued read has waited (oldestReadWaitMs in streaming/read-queue.ts, wired by server.ts).
 */
export function watchLoopDelay(
  now: () => number,
  queuedMs: () => number = () => 0,
  intervalMs = 25,
): LoopDelayWatch {
  let delayMs = 0
  let last = now()
  const timer = setInterval(() => {
    const at = now()
    delayMs = nextLoopDelay(delayMs, { elapsedMs: at - last, intervalMs, queuedMs: queuedMs() })
    last = at
  }, intervalMs)
  timer.unref()
  return {
    delayMs: () => delayMs,
    stop: () => {
      clearInterval(timer)
    },
  }
}
