// `make bench` (streams at fleet scale, issue 20): the bare proxy, Strata's Converse and Mantle
// routes and Portkey side by side in one run, each carrying N concurrent paced streams (20 content
// events 100 ms apart, one event per network read). Per round the targets take turns (the order
// rotates); figures are medians over rounds. Prints a table and writes docs/stream-benchmarks.md
// and .json. Knobs (environment):
//   STRATA_BENCH_QUICK=1               smoke run: 1 round, 100 streams, 2 s per measurement
//   STRATA_STREAM_BENCH_STREAMS=100,1000,2000   concurrent streams
//   STRATA_STREAM_BENCH_ROUNDS=N       rounds (default 2)
//   STRATA_STREAM_BENCH_SECONDS=N      counted seconds per measurement (default 4)
//   STRATA_BENCH_TARGETS=a,b           only these targets (ids in targets.ts); floors always run
//   STRATA_BENCH_GATEWAY_NODE_OPTIONS  Node flags for strata-gateway instead of the chart's
//   STRATA_BENCH_OUTPUT=dir            where stream-benchmarks.md goes (default docs/)
//   STRATA_BENCH_BASELINE=dir          also run the gateway of that checkout (e.g. a worktree of
//                                      the previous commit) on both routes: before/after in one run
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { z } from 'zod'
import { chartGatewayNodeOptions } from './chart-node-options.ts'
import { describeMachine } from './machine.ts'
import { measureStreams } from './measure.ts'
import { startTargets } from './start-targets.ts'
import { median } from './stats.ts'
import { pacedScenario, scriptStreams, streamMarker } from './stream-scenario.ts'
import { streamFigures, streamMarkdown, streamTable, type PacedSample } from './stream-report.ts'
import type { Target, TargetId } from './targets.ts'

const repoRoot = new URL('../../', import.meta.url).pathname
const env = process.env
const quick = env['STRATA_BENCH_QUICK'] === '1' || env['STRATA_BENCH_QUICK'] === 'true'
const numbers = z
  .string()
  .transform((text) => text.split(',').map((item) => Number(item.trim())))
  .pipe(z.array(z.number().int().positive()))
const positive = z.coerce.number().int().positive()
const read = <S extends z.ZodType>(name: string, schema: S, fallback: z.output<S>) => {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const parsed = schema.safeParse(raw)
  if (!parsed.success) throw new Error(`${name}=${raw}: ${z.prettifyError(parsed.error)}`)
  return parsed.data
}
const config = {
  quick,
  streams: read('STRATA_STREAM_BENCH_STREAMS', numbers, quick ? [100] : [100, 1000, 2000]),
  rounds: read('STRATA_STREAM_BENCH_ROUNDS', positive, quick ? 1 : 2),
  seconds: read('STRATA_STREAM_BENCH_SECONDS', positive, quick ? 2 : 4),
  warmupSeconds: 1,
  output: env['STRATA_BENCH_OUTPUT'] ?? `${repoRoot}docs`,
}
const defaultTargets: TargetId[] = ['bare-proxy', 'strata-converse', 'strata-mantle', 'portkey']
const baselineRoot = env['STRATA_BENCH_BASELINE'] || undefined
const wanted = new Set(
  env['STRATA_BENCH_TARGETS']?.split(',') ?? [
    ...defaultTargets,
    ...(baselineRoot === undefined ? [] : ['strata-converse-baseline', 'strata-mantle-baseline']),
  ],
)

const startedAt = new Date()
const log = (line: string) =>
  process.stderr.write(
    `[stream-bench ${((Date.now() - startedAt.getTime()) / 1000).toFixed(0).padStart(4)}s] ${line}\n`,
  )

function rotate<T>(items: T[], by: number): T[] {
  const shift = by % Math.max(1, items.length)
  return [...items.slice(shift), ...items.slice(0, shift)]
}

async function main(): Promise<void> {
  const workDirectory = await mkdtemp(join(tmpdir(), 'strata-stream-bench-'))
  const given = env['STRATA_BENCH_GATEWAY_NODE_OPTIONS']
  const nodeOptions =
    given === undefined ? await chartGatewayNodeOptions(repoRoot) : given.split(' ').filter(Boolean)
  log(
    `config ${JSON.stringify(config)}; strata-gateway flags: ${nodeOptions.join(' ') || '(none)'}`,
  )
  const started = await startTargets({
    workDirectory,
    wanted: (id) => wanted.has(id),
    litellmVenv: undefined,
    log,
    strataNodeOptions: nodeOptions,
    ...(baselineRoot === undefined ? {} : { baselineRoot }),
  })
  const samples: PacedSample[] = []
  const loads: number[] = []
  try {
    await scriptStreams(started.emulator.url, pacedScenario)
    const targets: Target[] = started.targets
    // V8 optimises each target's hot path before anything counts.
    for (const target of targets)
      await measureStreams(
        target,
        { concurrency: 50, seconds: quick ? 1 : 3, warmupSeconds: 0, marker: streamMarker },
        workDirectory,
      ).catch(() => undefined)
    for (const concurrency of config.streams) {
      for (let round = 0; round < config.rounds; round++) {
        for (const target of rotate(targets, round)) {
          loads.push(loadavg()[0] ?? Number.NaN)
          try {
            const result = await measureStreams(
              target,
              {
                concurrency,
                seconds: config.seconds,
                warmupSeconds: config.warmupSeconds,
                marker: streamMarker,
              },
              workDirectory,
            )
            samples.push({
              target: target.id,
              label: target.label,
              floor: target.floor,
              concurrency,
              round,
              result,
            })
            log(
              `${String(concurrency)} streams, round ${String(round + 1)}, ${target.id}: ` +
                `${((result.cpuSeconds * 1e6) / Math.max(1, result.chunks)).toFixed(0)} µs CPU/chunk, ` +
                `CPU ${result.cpuPercent.toFixed(0)} %, TTFT p99 ${result.ttft.p99.toFixed(1)} ms, ` +
                `${String(result.streams)} done, ${String(result.failed)} failed, RSS ${result.rssMebibytes.toFixed(0)} MiB`,
            )
          } catch (error) {
            log(`${String(concurrency)} streams ${target.id} failed: ${String(error)}`)
          }
        }
      }
    }
  } finally {
    await started.stop()
    await rm(workDirectory, { recursive: true, force: true })
  }
  const figures = streamFigures(samples)
  const wallSeconds = (Date.now() - startedAt.getTime()) / 1000
  const markdown = streamMarkdown({
    figures,
    quick,
    rounds: config.rounds,
    seconds: config.seconds,
    machine: describeMachine(),
    loadDuring: median(loads),
    startedAt,
    wallSeconds,
    nodeOptions,
    missing: started.missing.map((m) => `${m.id}: ${m.reason.split('\n')[0] ?? ''}`),
  })
  await writeFile(join(config.output, 'stream-benchmarks.md'), markdown)
  await writeFile(
    join(config.output, 'stream-benchmarks.json'),
    `${JSON.stringify({ startedAt, config, figures, samples }, null, 2)}\n`,
  )
  process.stdout.write(`\n${streamTable(figures)}\n\n`)
  log(`wrote ${join(config.output, 'stream-benchmarks.md')} in ${wallSeconds.toFixed(0)} s`)
  if (started.missing.length > 0) process.exitCode = 1
}

await main()
