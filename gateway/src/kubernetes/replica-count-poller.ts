// Keeps the live count of gateway replicas: reads it (endpoint-slice-reader.ts) now and then every
// few seconds. A failed read keeps the last known count, is logged once until a read succeeds
// again, and never stops the loop or throws: a gateway that cannot see its peers still serves,
// with the share it last knew. Polling rather than a watch: one small list every few seconds per
// replica is cheap for the apiserver, and a lost watch could leave a stale count unnoticed.
export interface ReplicaCountPollerOptions {
  read: (signal: AbortSignal) => Promise<number>
  intervalMs: number
  /** A read failed after the last success (once per outage), or succeeded again after one. */
  log: (message: string) => void
  /** Every change of the count, the first read included. */
  onChange?: (count: number, previous: number | undefined) => void
  /** A read that takes longer than this is abandoned and counts as failed. */
  timeoutMs?: number
}

export interface ReplicaCountPoller {
  /** The last count read, undefined until the first read succeeds. */
  current(): number | undefined
  /** Resolves after the first read, whether or not it succeeded. */
  ready: Promise<void>
  close(): void
}

export function pollReplicaCount(options: ReplicaCountPollerOptions): ReplicaCountPoller {
  const controller = new AbortController()
  let count: number | undefined
  let failing = false
  let timer: ReturnType<typeof setTimeout> | undefined

  async function readOnce(): Promise<void> {
    const attempt = AbortSignal.any([
      controller.signal,
      AbortSignal.timeout(options.timeoutMs ?? options.intervalMs * 2),
    ])
    try {
      const next = await options.read(attempt)
      if (controller.signal.aborted) return
      if (failing) options.log(`replica count readable again: ${String(next)}`)
      failing = false
      if (next !== count) {
        const previous = count
        count = next
        options.onChange?.(next, previous)
      }
    } catch (error) {
      if (controller.signal.aborted || failing) return
      failing = true
      const keeping = count === undefined ? 'no count yet, so 1' : `keeping ${String(count)}`
      options.log(
        `replica count unreadable (${error instanceof Error ? error.message : String(error)}); ${keeping} until it is readable again`,
      )
    }
  }

  function schedule(): void {
    if (controller.signal.aborted) return
    timer = setTimeout(() => {
      void readOnce().then(schedule)
    }, options.intervalMs)
    // Never what keeps the process alive: the server is.
    timer.unref()
  }

  const ready = readOnce().then(schedule)
  return {
    current: () => count,
    ready,
    close() {
      controller.abort()
      clearTimeout(timer)
    },
  }
}
