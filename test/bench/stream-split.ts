// `node test/bench/stream-split.ts [concurrency]`: where a stream's CPU goes, per chunk or per
// stream. The same paced streams (stream-scenario.ts) run with 20 and with 60 content events at
// the same concurrency, the targets alternating round by round, and CPU per chunk is solved for
// a per-chunk part and a per-stream part (stats.ts: splitStreamCost). The per-stream part is what
// a stream costs however long it is: the request, the upstream call, the first item, the end and
// the record. Prints a table; writes nothing.
//   STRATA_BENCH_TARGETS=a,b    targets (default bare-proxy,strata-converse,strata-mantle)
//   STRATA_STREAM_SPLIT_ROUNDS  rounds per stream length (default 2)
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chartGatewayNodeOptions } from './chart-node-options.ts'
import { measureStreams } from './measure.ts'
import { startTargets } from './start-targets.ts'
import { median, splitStreamCost } from './stats.ts'
import { pacedStreams, scriptStreams, streamMarker } from './stream-scenario.ts'
import type { TargetId } from './targets.ts'

const repoRoot = new URL('../../', import.meta.url).pathname
const concurrency = Number(process.argv[2] ?? 300)
const rounds = Number(process.env['STRATA_STREAM_SPLIT_ROUNDS'] ?? 2)
const wanted = new Set(
  process.env['STRATA_BENCH_TARGETS']?.split(',') ?? [
    'bare-proxy',
    'strata-converse',
    'strata-mantle',
  ],
)
const lengths = [20, 60] as const
const log = (line: string) => process.stderr.write(`[stream-split] ${line}\n`)

const workDirectory = await mkdtemp(join(tmpdir(), 'strata-stream-split-'))
const started = await startTargets({
  workDirectory,
  wanted: (id: TargetId) => wanted.has(id),
  litellmVenv: undefined,
  log,
  strataNodeOptions: await chartGatewayNodeOptions(repoRoot),
})
const perChunk = new Map<string, number[]>()
try {
  const targets = started.targets.filter((target) => wanted.has(target.id))
  for (const chunks of lengths) {
    await scriptStreams(started.emulator.url, pacedStreams(chunks))
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? targets : [...targets].reverse()
      for (const target of order) {
        const sample = await measureStreams(
          target,
          { concurrency, seconds: 6, warmupSeconds: 2, marker: streamMarker },
          workDirectory,
        )
        const micros = (sample.cpuSeconds * 1e6) / sample.chunks
        const key = `${target.id} ${String(chunks)}`
        perChunk.set(key, [...(perChunk.get(key) ?? []), micros])
        log(`${key} chunks: ${micros.toFixed(1)} µs per chunk, ${String(sample.failed)} failed`)
      }
    }
  }
  const rows = targets.map((target) => {
    const [short, long] = lengths.map((chunks) => ({
      chunks,
      microsPerChunk: median(perChunk.get(`${target.id} ${String(chunks)}`) ?? []),
    }))
    if (short === undefined || long === undefined) throw new Error('two stream lengths expected')
    return { id: target.id, short, long, split: splitStreamCost(short, long) }
  })
  const bare = rows.find((row) => row.id === 'bare-proxy')
  const times = (value: number, of: number | undefined) =>
    of === undefined ? '' : ` (${(value / of).toFixed(2)}×)`
  process.stdout.write(
    `${String(concurrency)} concurrent paced streams, medians of ${String(rounds)} rounds\n\n` +
      '| target | µs per chunk, 20-event streams | 60-event streams | per chunk | per stream |\n' +
      '|---|---:|---:|---:|---:|\n' +
      rows
        .map(
          (row) =>
            `| ${row.id} | ${row.short.microsPerChunk.toFixed(0)} | ${row.long.microsPerChunk.toFixed(0)} | ` +
            `${row.split.perChunkMicros.toFixed(0)}${times(row.split.perChunkMicros, bare?.split.perChunkMicros)} | ` +
            `${row.split.perStreamMicros.toFixed(0)}${times(row.split.perStreamMicros, bare?.split.perStreamMicros)} |`,
        )
        .join('\n') +
      '\n',
  )
} finally {
  await started.stop()
  await rm(workDirectory, { recursive: true, force: true })
}
