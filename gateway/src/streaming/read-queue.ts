// Established streams' network reads wait their turn behind new work (issue 20: time to first
// token at a pod's limit). A read of a stream that is already pushing (push-stream.ts) is queued
// here instead of being translated and written where it arrives, and the queue runs from
// setImmediate for at most TURN_BUDGET_MS per turn of the event loop. Node handles every socket
// that is ready in one poll phase, so at a thousand streams a turn that translated and wrote each
// chunk as it came took tens of milliseconds, and a new request, which needs several turns
// (accept, body, call, first token), waited that long for each. Queued, the chunks cost the poll
// phase only their socket read, and turns stay short; what the queue holds runs in order, a few
// milliseconds' worth per turn. The CPU spent is the same.
import { performance } from 'node:perf_hooks'

/** One stream's queued reads: runs everything that stream has waiting. */
export type QueuedReads = () => void

// Long enough to amortise a turn (an epoll_wait, timers) over dozens of chunks, short enough that
// a new request's steps are not held up behind it.
export const TURN_BUDGET_MS = 2

let tasks: QueuedReads[] = []
// When each task was queued, in the same order: the oldest is at `head`.
let queuedAt: number[] = []
let head = 0
let scheduled = false

function runQueued(): void {
  scheduled = false
  const deadline = performance.now() + TURN_BUDGET_MS
  // Reads queued while this turn runs wait for the next, after what is already queued.
  const end = tasks.length
  while (head < end) {
    const task = tasks[head] as QueuedReads
    tasks[head] = undefined as unknown as QueuedReads
    head++
    try {
      task()
    } catch (error) {
      // Each stream fails its own reads (item-stream.ts); one that escapes must not stop the
      // queue, which every other stream's reads wait in.
      process.emitWarning(error instanceof Error ? error : String(error), 'ReadQueueWarning')
    }
    if (performance.now() >= deadline) break
  }
  if (head === tasks.length) {
    tasks = []
    queuedAt = []
    head = 0
  } else {
    // Compact now and then, so that the arrays do not grow with everything ever queued.
    if (head > 1024 && head * 2 > tasks.length) {
      tasks = tasks.slice(head)
      queuedAt = queuedAt.slice(head)
      head = 0
    }
    schedule()
  }
}

function schedule(): void {
  if (scheduled) return
  scheduled = true
  setImmediate(runQueued)
}

/** Runs `task` in a later turn, after every task queued before it. */
export function queueReads(task: QueuedReads): void {
  tasks.push(task)
  queuedAt.push(performance.now())
  schedule()
}

/**
 * How long the oldest waiting read has waited, in milliseconds (0 when none waits). Once the
 * process has more work than CPU, this is where the wait shows: turns stay short, so timers keep
 * firing on time while established streams fall behind (middleware/loop-delay.ts counts it).
 */
export function oldestReadWaitMs(now = performance.now()): number {
  const oldest = queuedAt[head]
  return head < tasks.length && oldest !== undefined ? Math.max(0, now - oldest) : 0
}
