// SSE keep-alives: a comment whenever a stream has been silent for a whole interval, so that an
// idle timeout in a proxy between the client and us cannot cut a model that is thinking.
//
// One timer per stream, re-armed for what is left of the interval when it fires early: a stream
// that writes often costs one timestamp per write, not a timer reset per event.

export interface KeepAlive {
  /** Something was written at `at` (the clock given to keepAlive). */
  wrote(at: number): void
  stop(): void
}

export function keepAlive(intervalMs: number, now: () => number, send: () => void): KeepAlive {
  let last = now()
  let timer: NodeJS.Timeout | undefined
  const arm = (delay: number): void => {
    timer = setTimeout(tick, Math.max(1, delay))
    // A stream never keeps the process alive on its own (shutdown drains streams separately).
    timer.unref()
  }
  function tick(): void {
    const silent = now() - last
    // Timers have millisecond resolution; a wake a fraction early still counts as the interval.
    if (silent >= intervalMs - 1) {
      send()
      last = now()
      arm(intervalMs)
    } else {
      arm(intervalMs - silent)
    }
  }
  arm(intervalMs)
  return {
    wrote(at) {
      last = at
    },
    stop() {
      clearTimeout(timer)
      timer = undefined
    },
  }
}
