// `node test/bench/open-loop-client.ts RUN.json`: open-loop load at a fixed request rate that
// tells served requests from refusals. Requests start on an even schedule whatever the target
// does, and every latency runs from the scheduled start (no coordinated omission), so a target
// that queues is charged for its queue. A 503 or 429 is a refusal, and whether it carried
// Retry-After is counted: shedding must be fast and retryable. Prints one JSON line.
import { readFileSync } from 'node:fs'
import { Agent } from 'node:http'
import { postSpec, type RequestSpec } from './request-spec.ts'
import { summarize, type LatencySummary } from './stats.ts'

export interface OpenLoopRun {
  spec: RequestSpec
  rate: number
  seconds: number
  /** Sockets the client may open; past them requests wait in the client, charged to the target. */
  connections: number
}

export interface OpenLoopResult {
  rate: number
  seconds: number
  sent: number
  served: number
  /** 503 and 429 answers. */
  refused: number
  refusedWithoutRetryAfter: number
  /** Other statuses, connection errors and requests unanswered within the timeout. */
  failed: number
  statuses: Record<string, number>
  /** Served requests per second over the schedule. */
  achievedRate: number
  servedLatency: LatencySummary
  refusedLatency: LatencySummary
  /** How late the client itself sent requests: a busy client would be measuring itself. */
  sendLag: LatencySummary
  /** The client's own CPU over the run, in percent of one core. */
  clientCpuPercent: number
  /** From the first send to the last answer. */
  wallSeconds: number
}

const REQUEST_TIMEOUT_MS = 30_000

type Outcome =
  { kind: 'answered'; status: number; retryAfter: boolean } | { kind: 'error'; status: 'error' }

function send(agent: Agent, spec: RequestSpec, url: URL): Promise<Outcome> {
  return new Promise((resolve) => {
    postSpec(
      agent,
      spec,
      url,
      REQUEST_TIMEOUT_MS,
      (response) => {
        const status = response.statusCode ?? 0
        const retryAfter = response.headers['retry-after'] !== undefined
        response.resume()
        response.on('end', () => resolve({ kind: 'answered', status, retryAfter }))
        response.on('error', () => resolve({ kind: 'error', status: 'error' }))
      },
      () => resolve({ kind: 'error', status: 'error' }),
    )
  })
}

export async function runOpenLoop(run: OpenLoopRun): Promise<OpenLoopResult> {
  const url = new URL(run.spec.url)
  const agent = new Agent({ keepAlive: true, maxSockets: run.connections })
  const interval = 1000 / run.rate
  const cpuBefore = process.cpuUsage()
  const start = performance.now()
  const end = start + run.seconds * 1000
  const served: number[] = []
  const refused: number[] = []
  const lags: number[] = []
  const statuses: Record<string, number> = {}
  let refusedWithoutRetryAfter = 0
  let sent = 0
  const pending: Promise<void>[] = []
  let next = start
  while (next < end) {
    const now = performance.now()
    while (next <= now && next < end) {
      const scheduled = next
      lags.push(now - scheduled)
      sent++
      pending.push(
        send(agent, run.spec, url).then((outcome) => {
          const ms = performance.now() - scheduled
          statuses[String(outcome.status)] = (statuses[String(outcome.status)] ?? 0) + 1
          if (outcome.kind !== 'answered') return
          if (outcome.status === 200) served.push(ms)
          else if (outcome.status === 503 || outcome.status === 429) {
            refused.push(ms)
            if (!outcome.retryAfter) refusedWithoutRetryAfter++
          }
        }),
      )
      next += interval
    }
    // A timer wakes about every millisecond; the schedule, not the wake-up, decides start times.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(1, next - now))))
  }
  await Promise.all(pending)
  const wallSeconds = (performance.now() - start) / 1000
  const cpu = process.cpuUsage(cpuBefore)
  agent.destroy()
  return {
    rate: run.rate,
    seconds: run.seconds,
    sent,
    served: served.length,
    refused: refused.length,
    refusedWithoutRetryAfter,
    failed: sent - served.length - refused.length,
    statuses,
    achievedRate: served.length / run.seconds,
    servedLatency: summarize(served),
    refusedLatency: summarize(refused),
    sendLag: summarize(lags),
    clientCpuPercent: ((cpu.user + cpu.system) / 1e6 / wallSeconds) * 100,
    wallSeconds,
  }
}

if (import.meta.main) {
  const path = process.argv[2]
  if (path === undefined) throw new Error('usage: open-loop-client.ts RUN.json')
  const run = JSON.parse(readFileSync(path, 'utf8')) as OpenLoopRun
  const result = await runOpenLoop(run)
  process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0))
}
