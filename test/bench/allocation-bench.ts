// `node test/bench/allocation-bench.ts`: what a request and a stream make the garbage collector
// do, the bare proxy and Strata side by side in one run (issue 20). CPU figures on a shared
// two-core machine swing by a third between runs; bytes allocated do not, so this bench resolves
// changes that the CPU benchmarks cannot. Per target it reports:
//   - bytes allocated per JSON request, per stream of one content event, and per content event
//     beyond the first (streams of 41 events, 1 ms apart, against streams of one);
//   - live heap per stream in flight (paced streams, heap in use after a full collection, with
//     the streams open against after they are gone).
// Each measured process is started with heap-probe.ts, which answers SIGUSR2 in its log. Prints
// a table; writes nothing.
//   STRATA_BENCH_TARGETS=a,b   targets (default bare-proxy,strata-converse,strata-mantle)
//   STRATA_BENCH_BASELINE=dir  also the gateway of that checkout, both routes (before/after)
//   STRATA_ALLOCATION_STREAMS  streams in flight for the live heap (default 500)
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fromLog } from '../support/processes.ts'
import { chartGatewayNodeOptions } from './chart-node-options.ts'
import { measureStreams, measureThroughput } from './measure.ts'
import { startTargets } from './start-targets.ts'
import { pacedStreams, scriptStreams, streamMarker } from './stream-scenario.ts'
import type { Target, TargetId } from './targets.ts'

const repoRoot = new URL('../../', import.meta.url).pathname
const probe = join(repoRoot, 'test/bench/heap-probe.ts')
const env = process.env
const baselineRoot = env['STRATA_BENCH_BASELINE'] || undefined
const wanted = new Set(
  env['STRATA_BENCH_TARGETS']?.split(',') ?? [
    'bare-proxy',
    'strata-converse',
    'strata-mantle',
    ...(baselineRoot === undefined ? [] : ['strata-converse-baseline', 'strata-mantle-baseline']),
  ],
)
const inFlight = Number(env['STRATA_ALLOCATION_STREAMS'] ?? 500)
const log = (line: string) => process.stderr.write(`[allocation-bench] ${line}\n`)

interface Figures {
  json: number
  stream: number
  perChunk: number
  live: number
}

// The probe's lines of that kind in a log, in order.
function probeLinesIn(log: string, kind: 'live' | 'allocated'): number[] {
  const prefix = `HEAP-PROBE ${kind} `
  return log
    .split('\n')
    .filter((line) => line.startsWith(prefix))
    .map((line) => Number(line.slice(prefix.length)))
}

async function probeLines(target: Target, kind: 'live' | 'allocated'): Promise<number[]> {
  return probeLinesIn(await target.process.log(), kind)
}

// Waits for the probe's `count`-th line of that kind (a loaded gateway can take seconds to
// collect its garbage and hand over a profile).
function probeLine(target: Target, kind: 'live' | 'allocated', count: number): Promise<number> {
  return fromLog(
    target.process,
    `${target.id}'s heap probe answer (HEAP-PROBE ${kind}, is heap-probe.ts loaded?)`,
    (log) => probeLinesIn(log, kind)[count - 1],
    20_000,
  )
}

// Sends SIGUSR2 and waits for the answer: the live heap, and when the signal stopped a sampling,
// the bytes it counted. Two targets can share a process (both routes of one gateway).
async function toggleProbe(target: Target): Promise<{ live: number; allocated?: number }> {
  const live = (await probeLines(target, 'live')).length
  const allocated = (await probeLines(target, 'allocated')).length
  process.kill(target.process.process.pid, 'SIGUSR2')
  const answer = { live: await probeLine(target, 'live', live + 1) }
  // The probe starts and stops on alternate signals, so an even count of live lines so far
  // means this signal started a sampling.
  if (live % 2 === 0) return answer
  return { ...answer, allocated: await probeLine(target, 'allocated', allocated + 1) }
}

// Bytes allocated per completed request of `spec`, under 32 connections for 4 s.
async function allocatedPerRequest(target: Target, spec: Target['request'], workDirectory: string) {
  const measured = { ...target, request: spec }
  await measureThroughput(measured, { connections: 32, seconds: 1, workDirectory })
  await toggleProbe(target)
  const sample = await measureThroughput(measured, { connections: 32, seconds: 4, workDirectory })
  const { allocated } = await toggleProbe(target)
  const completed = sample.requests - sample.failures
  if (completed <= 0 || allocated === undefined) throw new Error(`${target.id}: nothing measured`)
  return allocated / completed
}

// Live heap per stream in flight: measured half-way through a run of paced streams, and again
// once they are all over (that second signal also stops the sampling the first one started).
async function livePerStream(target: Target, workDirectory: string): Promise<number> {
  const run = measureStreams(
    target,
    { concurrency: inFlight, seconds: 6, warmupSeconds: 2, marker: streamMarker },
    workDirectory,
  )
  await sleep(5_000)
  const loaded = await toggleProbe(target)
  await run
  await sleep(1_000)
  const idle = await toggleProbe(target)
  return (loaded.live - idle.live) / inFlight
}

const kib = (bytes: number) => (bytes / 1024).toFixed(1)

function table(rows: [Target, Figures][]): string {
  const bare = rows.find(([target]) => target.id === 'bare-proxy')?.[1]
  const ratio = (value: number, of: keyof Figures) =>
    bare === undefined ? '' : ` (${(value / bare[of]).toFixed(2)}×)`
  const cell = (figures: Figures, of: keyof Figures) =>
    `${kib(figures[of])}${ratio(figures[of], of)}`
  return [
    '| target | KiB per JSON request | KiB per stream of one event | KiB per further event | live KiB per stream in flight |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows.map(
      ([target, figures]) =>
        `| ${target.label} | ${cell(figures, 'json')} | ${cell(figures, 'stream')} | ${cell(figures, 'perChunk')} | ${cell(figures, 'live')} |`,
    ),
  ].join('\n')
}

const workDirectory = await mkdtemp(join(tmpdir(), 'strata-allocation-bench-'))
// The bare proxy inherits this environment; the gateways take their Node flags as arguments.
env['NODE_OPTIONS'] = `${env['NODE_OPTIONS'] ?? ''} --import ${probe}`.trim()
const started = await startTargets({
  workDirectory,
  wanted: (id: TargetId) => wanted.has(id),
  litellmVenv: undefined,
  log,
  strataNodeOptions: [...(await chartGatewayNodeOptions(repoRoot)), '--import', probe],
  ...(baselineRoot === undefined ? {} : { baselineRoot }),
})
try {
  const targets = started.targets.filter((target) => wanted.has(target.id))
  const figures = new Map<Target, Figures>(
    targets.map((target) => [target, { json: 0, stream: 0, perChunk: 0, live: 0 }]),
  )
  const chunks = 41
  for (const target of targets) {
    const entry = figures.get(target) as Figures
    log(`${target.id}: JSON`)
    entry.json = await allocatedPerRequest(target, target.request, workDirectory)
  }
  await scriptStreams(started.emulator.url, { ...pacedStreams(1), firstTokenDelayMs: 0 })
  for (const target of targets) {
    log(`${target.id}: streams of one event`)
    const entry = figures.get(target) as Figures
    entry.stream = await allocatedPerRequest(target, target.stream, workDirectory)
  }
  await scriptStreams(started.emulator.url, {
    ...pacedStreams(chunks),
    firstTokenDelayMs: 0,
    tokenDelayMs: 1,
  })
  for (const target of targets) {
    log(`${target.id}: streams of ${String(chunks)} events`)
    const entry = figures.get(target) as Figures
    const long = await allocatedPerRequest(target, target.stream, workDirectory)
    entry.perChunk = (long - entry.stream) / (chunks - 1)
  }
  await scriptStreams(started.emulator.url, pacedStreams(20))
  for (const target of targets) {
    log(`${target.id}: ${String(inFlight)} streams in flight`)
    const entry = figures.get(target) as Figures
    entry.live = await livePerStream(target, workDirectory)
  }
  process.stdout.write(`${table([...figures])}\n`)
} finally {
  await started.stop()
  await rm(workDirectory, { recursive: true, force: true })
}
