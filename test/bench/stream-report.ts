// From the streaming benchmark's samples (stream-bench.ts) to its figures and report. Added times
// are over the floor's fastest round on the same route (the emulator alone: disturbance only ever
// slows a floor), then the median over the target's rounds. CPU per chunk is the target's CPU
// over the whole measurement (warm-up and drain included) per content chunk it delivered.
import type { StreamResult } from './stream-client.ts'
import { median } from './stats.ts'
import type { FloorId, TargetId } from './targets.ts'

export interface PacedSample {
  target: TargetId
  label: string
  floor: FloorId
  concurrency: number
  round: number
  result: StreamResult & { rssMebibytes: number; cpuPercent: number; cpuSeconds: number }
}

export interface PacedFigures {
  target: TargetId
  label: string
  concurrency: number
  cpuMicrosPerChunk: number
  /** CPU per chunk over the bare proxy's at the same concurrency (NaN without it). */
  overBare: number
  cpuPercent: number
  addedTtftP50: number
  addedTtftP99: number
  /** Over every stream, the first wave of the ramp included. */
  addedTtftP50All: number
  addedTtftP99All: number
  /** Median stream duration over the floor's, as a ratio (1 = no stretch). */
  stretchP50: number
  durationP99: number
  rssMebibytes: number
  streams: number
  failed: number
  /** Of the failed, answered 503 at once (the gateway at its --max-in-flight). */
  refused: number
  /** Newcomers on fresh connections while the target carries the load. */
  acceptP99: number
  probeAddedTtftP99: number
}

const perChunk = (s: PacedSample) => (s.result.cpuSeconds * 1e6) / Math.max(1, s.result.chunks)

export function streamFigures(samples: readonly PacedSample[]): PacedFigures[] {
  const groups = new Map<string, PacedSample[]>()
  for (const sample of samples) {
    const key = `${String(sample.concurrency)} ${sample.target}`
    groups.set(key, [...(groups.get(key) ?? []), sample])
  }
  const of = (target: string, concurrency: number) =>
    groups.get(`${String(concurrency)} ${target}`) ?? []
  const best = (values: number[]) => (values.length === 0 ? Number.NaN : Math.min(...values))
  const figures: PacedFigures[] = []
  for (const group of groups.values()) {
    const first = group[0]
    if (first === undefined) continue
    const floor = of(first.floor, first.concurrency)
    const floorOf = (pick: (s: PacedSample) => number) => best(floor.map(pick))
    const added = (pick: (s: PacedSample) => number) => median(group.map(pick)) - floorOf(pick)
    const bare = median(of('bare-proxy', first.concurrency).map(perChunk))
    const cpuMicrosPerChunk = median(group.map(perChunk))
    figures.push({
      target: first.target,
      label: first.label,
      concurrency: first.concurrency,
      cpuMicrosPerChunk,
      overBare: cpuMicrosPerChunk / bare,
      cpuPercent: median(group.map((s) => s.result.cpuPercent)),
      addedTtftP50: added((s) => s.result.ttft.p50),
      addedTtftP99: added((s) => s.result.ttft.p99),
      addedTtftP50All: added((s) => s.result.ttftAll.p50),
      addedTtftP99All: added((s) => s.result.ttftAll.p99),
      stretchP50:
        median(group.map((s) => s.result.duration.p50)) / floorOf((s) => s.result.duration.p50),
      durationP99: median(group.map((s) => s.result.duration.p99)),
      rssMebibytes: Math.max(...group.map((s) => s.result.rssMebibytes)),
      streams: group.reduce((sum, s) => sum + s.result.streams, 0),
      failed: group.reduce((sum, s) => sum + s.result.failed, 0),
      refused: group.reduce((sum, s) => sum + s.result.refused, 0),
      acceptP99: median(group.map((s) => s.result.probe.accept.p99)),
      probeAddedTtftP99: added((s) => s.result.probe.ttft.p99),
    })
  }
  return figures.sort((a, b) => a.concurrency - b.concurrency)
}

const fixed = (value: number, digits = 0) =>
  Number.isFinite(value) ? value.toFixed(digits) : 'n/a'
const signed = (value: number, digits = 1) =>
  Number.isFinite(value) ? `${value >= 0 ? '+' : ''}${value.toFixed(digits)}` : 'n/a'

export function streamTable(figures: readonly PacedFigures[]): string {
  const rows = figures.map((f) =>
    [
      String(f.concurrency),
      f.label,
      fixed(f.cpuMicrosPerChunk),
      Number.isFinite(f.overBare) ? `${f.overBare.toFixed(2)}×` : 'n/a',
      fixed(f.cpuPercent),
      `${signed(f.addedTtftP50)} / ${signed(f.addedTtftP99)}`,
      `${signed(f.addedTtftP50All)} / ${signed(f.addedTtftP99All)}`,
      `${fixed(f.stretchP50, 3)}× / ${fixed(f.durationP99 / 1000, 2)} s`,
      fixed(f.rssMebibytes),
      `${String(f.streams)}${f.failed > 0 ? ` (${String(f.failed)} failed${f.refused > 0 ? `, ${String(f.refused)} refused 503` : ''})` : ''}`,
      `${fixed(f.acceptP99, 1)} / ${signed(f.probeAddedTtftP99)}`,
    ].join(' | '),
  )
  return [
    '| streams | target | CPU µs/chunk | × bare proxy | CPU % of a core | added TTFT p50 / p99 ms, after the ramp | added TTFT p50 / p99 ms, overall | duration stretch p50 / p99 duration | peak RSS MiB | streams completed | newcomer: accept p99 ms / added TTFT p99 ms |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((row) => `| ${row} |`),
  ].join('\n')
}

export interface StreamReportContext {
  figures: PacedFigures[]
  quick: boolean
  rounds: number
  seconds: number
  machine: string
  loadDuring: number
  startedAt: Date
  wallSeconds: number
  nodeOptions: string[]
  missing: string[]
}

export function streamMarkdown(context: StreamReportContext): string {
  return `# Streaming benchmark

Streams at fleet scale (issue 20), side by side in one run on one machine. Written by
\`make bench\` (\`test/bench/stream-bench.ts\`); do not edit by hand.
${context.quick ? '\n**Quick (smoke) run: 1 round of short measurements. Do not quote these figures.**\n' : ''}
${streamTable(context.figures)}

- Each stream: the emulator answers after 100 ms with the first of 20 content events, then one
  every 100 ms (about 2 s per stream), each event written on its own, so that it arrives in its
  own network read as Bedrock sends tokens. N streams are kept in flight (closed loop; lanes start
  spread over 0.5 s) for ${String(context.seconds)} s after 1 s whose streams are not counted
  ("after the ramp"); "overall" counts the first wave too.
- **CPU µs/chunk**: user + system CPU of the target's process over the measurement, divided by the
  content chunks it delivered; **× bare proxy**: over the bare Node pass-through proxy's in the
  same run. **CPU %**: of one core over the measurement's wall time.
- **added TTFT**: the target's time to first content chunk minus the emulator's own on the same
  route (Converse for Strata's Converse route and Portkey, Mantle chat for the bare proxy and
  Strata's Mantle route), fastest floor round; median over ${String(context.rounds)} round(s).
- **duration stretch**: median stream duration (request to last content chunk) over the floor's;
  then the p99 duration.
- **streams completed**: counted streams that delivered content; "failed" are counted streams
  that did not, and "refused 503" those of them answered \`overloaded\` at once, from a gateway
  at its \`--max-in-flight\` (default 1024). A refused lane waits the answer's \`Retry-After\`
  before its next stream, as the OpenAI and Anthropic SDKs do.
- **newcomer**: every 100 ms after the ramp, one more stream on a fresh connection: the time until
  the target accepted the connection (p99), and its added time to first token (p99). This is what
  a new client sees while the target carries the load.
- strata-gateway runs with ${context.nodeOptions.length === 0 ? "V8's default heap sizing" : `\`${context.nodeOptions.join(' ')}\`, the chart's heap flags`}.
${context.missing.length === 0 ? '' : `\nNot measured: ${context.missing.join('; ')}\n`}
## Machine

${context.machine}
- median 1-minute load average during the measurements: ${fixed(context.loadDuring, 2)} (the
  load generator and the emulator run on the same machine; other work may too)
- run started ${context.startedAt.toISOString()}, took ${String(Math.round(context.wallSeconds))} s
`
}
