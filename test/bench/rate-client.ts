// `node test/bench/rate-client.ts SPEC.json`: an open-loop load generator at a fixed request rate,
// in the manner of wrk2. Requests start on an even schedule whatever the target does, and latency
// runs from the scheduled start, so a target that falls behind is charged for the queue it causes
// (no coordinated omission). autocannon is not used for this: its histogram keeps whole
// milliseconds, too coarse for sub-millisecond overheads. Prints one JSON line of results.
import { readFileSync } from 'node:fs'
import { Agent } from 'node:http'
import { postSpec, type RequestSpec } from './request-spec.ts'
import { summarize, type LatencySummary } from './stats.ts'

export interface RateRun {
  spec: RequestSpec
  rate: number
  seconds: number
  /** Requests in the first seconds warm the connections and are not counted. */
  warmupSeconds: number
  connections: number
}

export interface RateResult {
  rate: number
  sent: number
  ok: number
  failed: number
  /** Completed requests per second in the measured window. */
  achievedRate: number
  latency: LatencySummary
}

function send(agent: Agent, spec: RequestSpec, url: URL): Promise<boolean> {
  return new Promise((resolve) => {
    postSpec(
      agent,
      spec,
      url,
      10_000,
      (response) => {
        response.resume()
        response.on('end', () => resolve(response.statusCode === 200))
        response.on('error', () => resolve(false))
      },
      () => resolve(false),
    )
  })
}

export async function runAtRate(run: RateRun): Promise<RateResult> {
  const url = new URL(run.spec.url)
  const agent = new Agent({ keepAlive: true, maxSockets: run.connections })
  const interval = 1000 / run.rate
  const start = performance.now()
  const measureFrom = start + run.warmupSeconds * 1000
  const end = measureFrom + run.seconds * 1000
  const latencies: number[] = []
  const pending: Promise<void>[] = []
  let sent = 0
  let failed = 0
  let next = start
  while (next < end) {
    const now = performance.now()
    while (next <= now && next < end) {
      const scheduled = next
      const counted = scheduled >= measureFrom
      if (counted) sent++
      pending.push(
        send(agent, run.spec, url).then((ok) => {
          if (!counted) return
          if (ok) latencies.push(performance.now() - scheduled)
          else failed++
        }),
      )
      next += interval
    }
    // A timer wakes about every millisecond; the schedule, not the wake-up, decides start times.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(1, next - now))))
  }
  // A target that cannot hold the rate leaves a queue behind; what is not done a few seconds
  // after the schedule ends counts as failed, so the run stays bounded.
  const drained = await Promise.race([
    Promise.all(pending).then(() => true),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), 3_000)),
  ])
  agent.destroy()
  if (!drained) failed = sent - latencies.length
  return {
    rate: run.rate,
    sent,
    ok: latencies.length,
    failed,
    achievedRate: latencies.length / run.seconds,
    latency: summarize(latencies),
  }
}

if (import.meta.main) {
  const path = process.argv[2]
  if (path === undefined) throw new Error('usage: rate-client.ts SPEC.json')
  const run = JSON.parse(readFileSync(path, 'utf8')) as RateRun
  const result = await runAtRate(run)
  // Exit at once: requests a slow target never answered must not hold the process open.
  process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0))
}
