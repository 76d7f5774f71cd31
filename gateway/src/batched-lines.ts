// Log lines written in batches. Under load the access log writes a line per request, and stdout
// to a file or a pipe is a synchronous write(2) per call: writing the lines one by one cost about
// a twelfth of the gateway's CPU (docs/gateway-performance.md). Lines logged in one turn of the
// event loop go out in one write right after it, or at once when they pile up.

export interface BatchedLines {
  write: (line: string) => void
  /** Writes what is pending now; the program calls it on exit so no line is lost. */
  flush: () => void
}

/** Past this many characters pending, a line is written without waiting for the turn's end. */
export const batchFlushChars = 64 * 1024

export function batchedLines(
  write: (text: string) => void,
  schedule: (run: () => void) => void = setImmediate,
): BatchedLines {
  let pending = ''
  let scheduled = false
  const flush = (): void => {
    if (pending === '') return
    const text = pending
    pending = ''
    write(text)
  }
  const onTurnEnd = (): void => {
    scheduled = false
    flush()
  }
  return {
    write: (line) => {
      pending += line
      if (pending.length >= batchFlushChars) flush()
      else if (!scheduled) {
        scheduled = true
        schedule(onTurnEnd)
      }
    },
    flush,
  }
}
