// One gateway as the chart deploys it (its heap flags and its --max-in-flight) on the emulator's
// instant Converse answers, so the gateway's own CPU is the limit: its closed-loop capacity first
// (wrk at the autoscaling target's concurrency), then open-loop load at fixed rates around it, and
// the first request once the load stops. Shared by the overload benchmark (the curve) and the
// journey that asserts shedding at twice capacity.
import { execFile } from 'node:child_process'
import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { makeWorkDirectory, type RunningProcess } from '../support/processes.ts'
import { chartGatewayMaxInFlight, chartGatewayNodeOptions } from './chart-node-options.ts'
import type { OpenLoopResult, OpenLoopRun } from './open-loop-client.ts'
import { cpuSeconds, processTree } from './process-usage.ts'
import { startBenchEmulator, startStrata } from './target-processes.ts'
import { strataTargets, type Target } from './targets.ts'
import { runWrk, type WrkResult } from './wrk-load.ts'

const run = promisify(execFile)
const repoRoot = join(import.meta.dirname, '..', '..')

/** wrk's concurrency for capacity: the chart's KEDA target per replica (autoscaling.keda). */
export const CAPACITY_CONNECTIONS = 32
/** Enough sockets that the client never limits what is offered. */
const OPEN_LOOP_CONNECTIONS = 512

export interface OverloadWorld {
  target: Target
  maxInFlight: number
  nodeOptions: string[]
  stop(): Promise<void>
  capacity(seconds: number): Promise<WrkResult>
  /**
   * Open-loop load in its own process, off the caller's event loop, with the share of a core the
   * gateway got meanwhile (on a shared machine, what it could use, not what it needed).
   */
  offer(rate: number, seconds: number): Promise<OpenLoopResult & { gatewayCpuPercent: number }>
  /** One request right after the load: its status and latency. */
  nextRequest(): Promise<{ status: number; ms: number }>
}

export async function startOverloadWorld(name: string): Promise<OverloadWorld> {
  const workDirectory = await makeWorkDirectory(name)
  const nodeOptions = await chartGatewayNodeOptions(repoRoot)
  const maxInFlight = await chartGatewayMaxInFlight(repoRoot)
  const processes: RunningProcess[] = []
  const stop = async () => {
    await Promise.allSettled(processes.map((running) => running.stop()))
    await rm(workDirectory, { recursive: true, force: true })
  }
  try {
    const emulator = await startBenchEmulator(workDirectory)
    processes.push(emulator)
    // No access log: a line per request on stdout would measure the log file, not the gateway.
    const gateway = await startStrata(workDirectory, emulator.url, nodeOptions, 'gateway', [
      '--max-in-flight',
      String(maxInFlight),
      '--no-access-log',
    ])
    processes.push(gateway)
    const target = strataTargets(gateway).find((each) => each.id === 'strata-converse')
    if (target === undefined) throw new Error('no Strata Converse target')
    return {
      target,
      maxInFlight,
      nodeOptions,
      stop,
      capacity: (seconds) =>
        runWrk(target.request, { connections: CAPACITY_CONNECTIONS, seconds, workDirectory }),
      async offer(rate, seconds) {
        const spec: OpenLoopRun = {
          spec: target.request,
          rate,
          seconds,
          connections: OPEN_LOOP_CONNECTIONS,
        }
        const file = join(workDirectory, `open-loop-${String(rate)}-${String(Date.now())}.json`)
        await writeFile(file, JSON.stringify(spec))
        const pids = processTree(gateway.process.pid)
        const cpuBefore = cpuSeconds(pids)
        const started = performance.now()
        const { stdout } = await run(
          process.execPath,
          [join(import.meta.dirname, 'open-loop-client.ts'), file],
          { timeout: (seconds + 60) * 1000, maxBuffer: 16 << 20 },
        )
        const wallSeconds = (performance.now() - started) / 1000
        const gatewayCpuPercent = ((cpuSeconds(pids) - cpuBefore) / wallSeconds) * 100
        return { ...(JSON.parse(stdout) as OpenLoopResult), gatewayCpuPercent }
      },
      async nextRequest() {
        const started = performance.now()
        const response = await fetch(target.request.url, {
          method: 'POST',
          headers: target.request.headers,
          body: target.request.body,
          signal: AbortSignal.timeout(10_000),
        })
        await response.text()
        return { status: response.status, ms: performance.now() - started }
      },
    }
  } catch (error) {
    await stop()
    throw error
  }
}

/** One line of the curve: offered against achieved, latencies of both kinds, refusals. */
export function curveLine(
  multiple: number,
  result: OpenLoopResult & { gatewayCpuPercent: number },
): string {
  const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : '-')
  return [
    `${multiple.toFixed(2)}x`,
    `offered ${String(Math.round(result.rate))}/s`,
    `achieved ${String(Math.round(result.achievedRate))}/s`,
    `served p50 ${ms(result.servedLatency.p50)} ms p99 ${ms(result.servedLatency.p99)} ms`,
    `refused ${String(result.refused)} of ${String(result.sent)} (p50 ${ms(result.refusedLatency.p50)} ms p99 ${ms(result.refusedLatency.p99)} ms, ${String(result.refusedWithoutRetryAfter)} without Retry-After)`,
    `failed ${String(result.failed)}`,
    `gateway CPU ${result.gatewayCpuPercent.toFixed(0)}% of a core`,
    `client: send lag p99 ${ms(result.sendLag.p99)} ms, CPU ${result.clientCpuPercent.toFixed(0)}% over ${result.wallSeconds.toFixed(1)} s`,
  ].join(' | ')
}
