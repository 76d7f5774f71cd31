// One measurement of one target: a load generator runs while the target's CPU time and resident
// memory are read from /proc, so each figure is charged to the process that earned it.
import { execFile } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { cpuSeconds, processTree, sampleRss } from './process-usage.ts'
import type { RateResult, RateRun } from './rate-client.ts'
import type { StreamResult, StreamRun } from './stream-client.ts'
import type { Target } from './targets.ts'
import { runWrk, type WrkResult } from './wrk-load.ts'

const run = promisify(execFile)
const here = new URL('.', import.meta.url).pathname

export interface ThroughputSample extends WrkResult {
  cpuMicrosPerRequest: number
  rssMebibytes: number
}

async function charged<T>(
  target: Target,
  work: () => Promise<T>,
): Promise<{ result: T; cpu: number; rss: number }> {
  const pids = processTree(target.process.process.pid)
  const rss = sampleRss(pids)
  const before = cpuSeconds(pids)
  try {
    const result = await work()
    return { result, cpu: cpuSeconds(pids) - before, rss: rss.stop() }
  } catch (error) {
    rss.stop()
    throw error
  }
}

export async function measureThroughput(
  target: Target,
  options: { connections: number; seconds: number; workDirectory: string },
): Promise<ThroughputSample> {
  const { result, cpu, rss } = await charged(target, () => runWrk(target.request, options))
  const ok = result.requests - result.failures
  return {
    ...result,
    cpuMicrosPerRequest: ok > 0 ? (cpu * 1e6) / ok : Number.NaN,
    rssMebibytes: rss,
  }
}

/** The load generators run as their own processes, off the harness's event loop. */
async function child<T>(program: string, spec: unknown, workDirectory: string, seconds: number) {
  const file = join(workDirectory, `${program}-${String(Date.now())}.json`)
  await writeFile(file, JSON.stringify(spec))
  const { stdout } = await run(process.execPath, [join(here, `${program}.ts`), file], {
    timeout: (seconds + 60) * 1000,
    maxBuffer: 16 * 1024 * 1024,
  })
  return JSON.parse(stdout) as T
}

export async function measureRate(
  target: Target,
  run: Omit<RateRun, 'spec'>,
  workDirectory: string,
): Promise<RateResult & { rssMebibytes: number; cpuMicrosPerRequest: number }> {
  const seconds = run.seconds + run.warmupSeconds
  const { result, cpu, rss } = await charged(target, () =>
    child<RateResult>('rate-client', { ...run, spec: target.request }, workDirectory, seconds),
  )
  // Warm-up requests are charged too, so divide by every request that completed.
  const completed = result.ok * (1 + run.warmupSeconds / run.seconds)
  return {
    ...result,
    rssMebibytes: rss,
    cpuMicrosPerRequest: completed > 0 ? (cpu * 1e6) / completed : Number.NaN,
  }
}

export async function measureStreams(
  target: Target,
  run: Omit<StreamRun, 'spec'>,
  workDirectory: string,
): Promise<StreamResult & { rssMebibytes: number; cpuPercent: number; cpuSeconds: number }> {
  const started = performance.now()
  const { result, rss, cpu } = await charged(target, () =>
    child<StreamResult>(
      'stream-client',
      { ...run, spec: target.stream },
      workDirectory,
      run.seconds,
    ),
  )
  // Of one core, over the whole run: near 100 a single-threaded target is saturated.
  const cpuPercent = (100 * cpu) / ((performance.now() - started) / 1000)
  return { ...result, rssMebibytes: rss, cpuPercent, cpuSeconds: cpu }
}
