// `make bench` (data plane): every target side by side in one run. Per round, targets take turns
// (the order rotates each round): maximum throughput with wrk, then latency at each fixed rate;
// then streams at each concurrency. Prints the summary table and writes docs/benchmarks.md,
// docs/benchmarks.svg and docs/benchmarks.json. Bounded: see bench-config.ts for the knobs.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { benchConfig, focusRate } from './bench-config.ts'
import { chartGatewayNodeOptions } from './chart-node-options.ts'
import { scriptStreams, streamMarker } from './stream-scenario.ts'
import { checkGoals } from './goals.ts'
import { describeMachine } from './machine.ts'
import { measureRate, measureStreams, measureThroughput } from './measure.ts'
import { benchmarksMarkdown, goalsList, summaryTable } from './report.ts'
import { startTargets } from './start-targets.ts'
import { summarize, type TargetSamples } from './summary.ts'
import { barChart } from './svg-chart.ts'
import type { Target } from './targets.ts'

const repoRoot = new URL('../../', import.meta.url).pathname
const config = benchConfig(process.env, repoRoot)
const startedAt = new Date()
const log = (line: string) =>
  process.stderr.write(
    `[bench ${((Date.now() - startedAt.getTime()) / 1000).toFixed(0).padStart(4)}s] ${line}\n`,
  )

const streamScenarioText = `Each stream: the emulator answers after 100 ms with a first content chunk, then one chunk every
100 ms, 10 content chunks in all (about 1 s per stream). N streams are kept in flight (closed
loop, lanes started over 0.5 s) for ${String(config.streamSeconds)} s per measurement, after
1 s whose streams are not counted (connection set-up). TTFT runs from the request to the first
content chunk off the socket; a chunk gap is the time between two content chunks. Added TTFT is
the median over rounds minus the fastest round of the emulator's own stream on the same route
(ConverseStream or Mantle SSE): a floor round disturbed by a saturated peer before it is slower,
never faster. CPU is the target's CPU time over the measurement in percent of one core: a
single-threaded target near 100 is saturated, and what it adds to TTFT is queueing. "done" counts
the streams that finished inside the window; a saturated target finishes fewer.`

function rotate<T>(items: T[], by: number): T[] {
  const shift = by % Math.max(1, items.length)
  return [...items.slice(shift), ...items.slice(0, shift)]
}

async function attempt<T>(what: string, work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work()
  } catch (error) {
    log(
      `${what} failed: ${error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error)}`,
    )
    return undefined
  }
}

const fixed = (value: number | undefined, digits = 0) =>
  value === undefined || !Number.isFinite(value) ? 'n/a' : value.toFixed(digits)

async function main(): Promise<void> {
  const workDirectory = await mkdtemp(join(tmpdir(), 'strata-bench-'))
  log(`config ${JSON.stringify({ ...config, output: undefined })}`)
  // As the chart deploys it, unless told otherwise (e.g. '' for V8's default heap sizing).
  const given = process.env['STRATA_BENCH_GATEWAY_NODE_OPTIONS']
  const strataNodeOptions =
    given === undefined ? await chartGatewayNodeOptions(repoRoot) : given.split(' ').filter(Boolean)
  log(`strata-gateway Node flags: ${strataNodeOptions.join(' ') || '(none)'}`)
  const started = await startTargets({
    workDirectory,
    wanted: (id) => config.targets === undefined || config.targets.includes(id),
    litellmVenv: process.env['LITELLM_VENV'],
    log,
    strataNodeOptions,
    // Another checkout's gateway beside this one (before/after in one run), when asked for.
    ...(process.env['STRATA_BENCH_BASELINE']
      ? { baselineRoot: process.env['STRATA_BENCH_BASELINE'] }
      : {}),
  })
  const { targets } = started
  const samples = new Map<string, TargetSamples>(
    targets.map((t) => [
      t.id,
      {
        id: t.id,
        label: t.label,
        role: t.role,
        floor: t.floor,
        throughput: [],
        rates: {},
        streams: {},
      },
    ]),
  )
  const of = (target: Target) => samples.get(target.id) as TargetSamples
  try {
    log(`targets: ${targets.map((t) => t.id).join(', ')}; warming up`)
    for (const target of targets)
      await attempt(`warm-up ${target.id}`, () =>
        measureThroughput(target, {
          connections: config.connections,
          // Strata's CPU per request keeps falling for ~10 s of load while V8 optimises.
          seconds: config.quick ? 1 : 10,
          workDirectory,
        }),
      )
    for (let round = 0; round < config.rounds; round++) {
      const order = rotate(targets, round)
      for (const target of config.phases.includes('throughput') ? order : []) {
        const sample = await attempt(`wrk ${target.id}`, () =>
          measureThroughput(target, {
            connections: config.connections,
            seconds: config.seconds,
            workDirectory,
          }),
        )
        of(target).throughput[round] = sample
        log(
          `round ${String(round + 1)}/${String(config.rounds)} max ${target.id}: ${fixed(sample?.requestsPerSecond)} req/s, ${fixed(sample?.cpuMicrosPerRequest)} µs CPU/req, ${String(sample?.failures ?? 'n/a')} failures`,
        )
      }
      for (const rate of config.phases.includes('rates') ? config.rates : []) {
        for (const target of order) {
          const result = await attempt(`${String(rate)}/s ${target.id}`, () =>
            measureRate(
              target,
              {
                rate,
                seconds: config.seconds,
                warmupSeconds: config.warmupSeconds,
                connections: 256,
              },
              workDirectory,
            ),
          )
          ;(of(target).rates[rate] ??= [])[round] = result
          log(
            `round ${String(round + 1)}/${String(config.rounds)} ${String(rate)}/s ${target.id}: p50 ${fixed(result?.latency.p50, 2)} ms, p99 ${fixed(result?.latency.p99, 2)} ms, ${String(result?.failed ?? 'n/a')} failed`,
          )
        }
      }
    }
    await scriptStreams(started.emulator.url)
    for (const concurrency of config.phases.includes('streams') ? config.streams : []) {
      for (let round = 0; round < config.rounds; round++) {
        for (const target of rotate(targets, round)) {
          const result = await attempt(`${String(concurrency)} streams ${target.id}`, () =>
            measureStreams(
              target,
              {
                concurrency,
                seconds: config.streamSeconds,
                warmupSeconds: 1,
                marker: streamMarker,
              },
              workDirectory,
            ),
          )
          ;(of(target).streams[concurrency] ??= [])[round] = result
          log(
            `round ${String(round + 1)}/${String(config.rounds)} ${String(concurrency)} streams ${target.id}: TTFT p99 ${fixed(result?.ttft.p99, 2)} ms, gap p99 ${fixed(result?.gap.p99, 2)} ms, RSS ${fixed(result?.rssMebibytes)} MiB, ${String(result?.failed ?? 'n/a')} failed`,
          )
        }
      }
    }
  } finally {
    await started.stop()
    await rm(workDirectory, { recursive: true, force: true })
  }

  const summaries = summarize([...samples.values()])
  const goals = checkGoals(summaries)
  const wallSeconds = (Date.now() - startedAt.getTime()) / 1000
  const svg = barChart([
    {
      title: 'Maximum throughput',
      unit: 'req/s, higher is better',
      bars: summaries.map((s) => ({
        label: s.label,
        value: s.maxRps,
        highlight: s.role === 'strata',
      })),
    },
    {
      title: 'CPU per request',
      unit: 'µs, lower is better',
      bars: summaries.map((s) => ({
        label: s.label,
        value: s.cpuMicrosPerRequest,
        highlight: s.role === 'strata',
      })),
    },
  ])
  const markdown = benchmarksMarkdown({
    config,
    summaries,
    goals,
    missing: started.missing,
    machine: describeMachine(),
    startedAt,
    wallSeconds,
    command: `${config.quick ? 'STRATA_BENCH_QUICK=1 ' : ''}make bench`,
    streamScenario: streamScenarioText,
    strataNodeOptions,
    // Another checkout's gateway beside this one (before/after in one run), when asked for.
    ...(process.env['STRATA_BENCH_BASELINE']
      ? { baselineRoot: process.env['STRATA_BENCH_BASELINE'] }
      : {}),
  })
  await writeFile(join(config.output, 'benchmarks.md'), markdown)
  await writeFile(join(config.output, 'benchmarks.svg'), svg)
  await writeFile(
    join(config.output, 'benchmarks.json'),
    `${JSON.stringify({ startedAt, config, summaries, goals, missing: started.missing }, null, 2)}\n`,
  )
  process.stdout.write(`\n${summaryTable(summaries, focusRate(config))}\n\n${goalsList(goals)}\n\n`)
  log(
    `wrote ${join(config.output, 'benchmarks.md')} and benchmarks.svg in ${wallSeconds.toFixed(0)} s`,
  )
  if (started.missing.length > 0) process.exitCode = 1
}

await main()
