// The benchmark's markdown: the summary table printed at the end of a run, and docs/benchmarks.md
// with the machine, the exact commands, every table and the goals of issue 8.
import { focusRate, type BenchConfig } from './bench-config.ts'
import type { GoalVerdict } from './goals.ts'
import type { TargetSummary } from './summary.ts'
import type { TargetId } from './targets.ts'

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : 'n/a')
const whole = (value: number) =>
  Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a'
const ratio = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a')

function table(head: string[], rows: string[][]): string {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n')
}

export function summaryTable(summaries: TargetSummary[], focusRate: number): string {
  const bare = summaries.find((s) => s.id === 'bare-proxy')
  const rows = summaries.map((s) => {
    const at = s.rates.find((r) => r.rate === focusRate)
    const floor = s.role === 'floor'
    return [
      s.label,
      floor ? '—' : ms(at?.addedP50 ?? NaN),
      floor ? '—' : ms(at?.addedP99 ?? NaN),
      whole(s.maxRps),
      whole(s.cpuMicrosPerRequest),
      whole(s.rssMebibytes),
      floor ? '—' : ratio(s.cpuMicrosPerRequest / (bare?.cpuMicrosPerRequest ?? NaN)),
      floor ? '—' : ratio(s.maxRps / (bare?.maxRps ?? NaN)),
    ]
  })
  return table(
    [
      'target',
      `added p50 @${String(focusRate)}/s (ms)`,
      `added p99 @${String(focusRate)}/s (ms)`,
      'max req/s',
      'CPU µs/req',
      'peak RSS (MiB)',
      'CPU vs bare proxy',
      'req/s vs bare proxy',
    ],
    rows,
  )
}

export function latencyTable(summaries: TargetSummary[]): string {
  const rows = summaries.flatMap((s) =>
    s.rates.map((r) => [
      s.label,
      String(r.rate),
      ms(r.p50),
      ms(r.p99),
      s.role === 'floor' ? '—' : ms(r.addedP50),
      s.role === 'floor' ? '—' : ms(r.addedP99),
      whole(r.cpuMicrosPerRequest),
      r.held ? 'yes' : '**no**',
    ]),
  )
  return table(
    [
      'target',
      'req/s',
      'p50 (ms)',
      'p99 (ms)',
      'added p50',
      'added p99',
      'CPU µs/req',
      'held the rate',
    ],
    rows,
  )
}

export function streamTable(summaries: TargetSummary[]): string {
  const rows = summaries.flatMap((s) =>
    s.streams.map((r) => [
      s.label,
      whole(r.concurrency),
      ms(r.ttftP50),
      ms(r.ttftP99),
      s.role === 'floor' ? '—' : ms(r.addedTtftP50),
      s.role === 'floor' ? '—' : ms(r.addedTtftP99),
      ms(r.gapP50),
      ms(r.gapP99),
      whole(r.rssMebibytes),
      whole(r.cpuPercent),
      `${whole(r.streams)} / ${whole(r.failed)}`,
    ]),
  )
  return table(
    [
      'target',
      'streams',
      'TTFT p50',
      'TTFT p99',
      'added TTFT p50',
      'added TTFT p99',
      'chunk gap p50',
      'chunk gap p99',
      'RSS (MiB)',
      'CPU (% of a core)',
      'done / failed',
    ],
    rows,
  )
}

/** Strata against each peer: how many times the throughput, how many times less CPU. */
export function peerTable(summaries: TargetSummary[]): string {
  const strata = summaries.filter((s) => s.role === 'strata')
  const others = summaries.filter((s) => s.role === 'peer' || s.role === 'proxy')
  const rows = strata.flatMap((mine) =>
    others.map((other) => [
      mine.label,
      other.label,
      ratio(mine.maxRps / other.maxRps),
      ratio(other.cpuMicrosPerRequest / mine.cpuMicrosPerRequest),
      ratio(other.rssMebibytes / mine.rssMebibytes),
    ]),
  )
  return table(
    [
      'Strata',
      'against',
      'throughput (Strata ÷ other)',
      'CPU per request (other ÷ Strata)',
      'RSS (other ÷ Strata)',
    ],
    rows,
  )
}

export function goalsList(goals: GoalVerdict[]): string {
  return goals
    .map((g) => {
      const mark = g.holds === undefined ? 'not measured' : g.holds ? 'holds' : '**does not hold**'
      return `- ${g.goal}: ${g.measured}, ${mark}`
    })
    .join('\n')
}

export interface ReportContext {
  config: BenchConfig
  summaries: TargetSummary[]
  goals: GoalVerdict[]
  missing: { id: TargetId; reason: string }[]
  machine: string
  startedAt: Date
  wallSeconds: number
  command: string
  streamScenario: string
  /** The Node flags strata-gateway ran with. */
  strataNodeOptions: string[]
}

function nodeOptionsText(options: string[]): string {
  if (options.length === 0) return "V8's default heap sizing (no Node flags)"
  return `the Node flags \`${options.join(' ')}\`, what the chart gives its pods (\`gateway.maxHeapMiB\` and
  \`maxSemiSpaceMiB\` in charts/strata/values.yaml, as NODE_OPTIONS), so its RSS is a pod's`
}

export function benchmarksMarkdown(context: ReportContext): string {
  const { config, summaries } = context
  const missing =
    context.missing.length === 0
      ? ''
      : `\nNot measured in this run:\n${context.missing.map((m) => `- ${m.id}: ${m.reason.split('\n')[0] ?? ''}`).join('\n')}\n`
  return `# Benchmarks

Gateway overhead, streaming and peers side by side, in one run on one machine (issue 8). Written
by \`make bench\` (\`test/bench/gateway-bench.ts\`); do not edit by hand. Figures are medians over
${String(config.rounds)} round(s); targets alternate within every round to cancel drift.
${config.quick ? '\n**Quick (smoke) run: 1 round of short measurements. Do not quote these figures.**\n' : ''}
![Throughput and CPU per request](benchmarks.svg)

## Summary

${summaryTable(summaries, focusRate(config))}

- **added**: latency over the floor of the same round (the emulator alone on the route the target
  calls: Converse for Strata's Converse route, Portkey and LiteLLM; Mantle chat for the bare proxy
  and Strata's Mantle route), from the open-loop fixed-rate generator.
- **max req/s**: wrk, 1 thread, ${String(config.connections)} connections, ${String(config.seconds)} s.
- **CPU µs/req**: user + system CPU of the target's processes (/proc/<pid>/stat, the whole process
  tree for LiteLLM) during the wrk run, divided by the requests it answered. The emulator's CPU is
  not included, except for the floors, which are the emulator.
- **peak RSS**: largest VmRSS sampled every 100 ms during the non-streaming runs.
- Strata runs as the chart deploys it (heap flags below, under "Machine and method"); **V8
  default heap** is the same Converse route on a second gateway without them, in the same rounds:
  the flags trade CPU for memory, and the goals are judged on the deployed configuration.

## Goals of issue 8

${goalsList(context.goals)}
- control-plane goals (route edit → served, 5,000 routes): see
  [benchmarks-control-plane.md](benchmarks-control-plane.md) and \`test/bench/publish-scale.ts\`
${missing}
## Latency at fixed request rates

Open loop, wrk2-style: requests start on an even schedule, latency runs from the scheduled start,
${String(config.seconds)} s per measurement after ${String(config.warmupSeconds)} s of warm-up.
"Held the rate": every round completed at least 95% of the schedule without an error. CPU µs/req
here is the target's CPU over the run (warm-up included) per completed request, below saturation.

${latencyTable(summaries)}

## Streaming

${context.streamScenario}

${streamTable(summaries)}

## Strata against the bare proxy and the peers

${peerTable(summaries)}

## Machine and method

${context.machine}

- Run started ${context.startedAt.toISOString()}, took ${String(Math.round(context.wallSeconds))} s.
- Every target is a real process on loopback, started and stopped by the harness: the Bedrock
  emulator (\`test/emulator/cli.ts --no-record\`), the bare proxy (\`test/bench/bare-proxy.ts\`,
  node:http with a keep-alive agent), \`strata-gateway\` on a standalone routing table,
  \`@portkey-ai/gateway\` 1.15.2 (\`build/start-server.js --headless\`, Bedrock provider,
  \`x-portkey-custom-host\` pointing at the emulator), and the LiteLLM proxy (\`litellm --config\`,
  \`aws_bedrock_runtime_endpoint\` pointing at the emulator, default single worker).
- Before the first round every target gets ${config.quick ? '1 s' : '10 s'} of wrk load, so V8 has
  optimised its hot path; Strata's CPU per request keeps falling for about ten seconds of load.
- strata-gateway runs with ${nodeOptionsText(context.strataNodeOptions)}. Resident memory is mostly
  V8's heap sizing, not live data: in a \`--trace-gc\` run under wrk the gateway's heap held 36 MB
  after a full collection, while with V8's default sizing RSS grew to 250–370 MiB and then stayed
  flat (no leak). \`STRATA_BENCH_GATEWAY_NODE_OPTIONS\` replaces the flags (empty: V8's default
  sizing).
- The load generators run on the same machine: wrk for throughput, \`test/bench/rate-client.ts\`
  and \`test/bench/stream-client.ts\` as separate Node processes.

Command:

\`\`\`
${context.command}
\`\`\`

Knobs (environment): \`STRATA_BENCH_QUICK=1\` (smoke run, about 2 minutes),
\`STRATA_BENCH_SECONDS\`, \`STRATA_BENCH_ROUNDS\`, \`STRATA_BENCH_RATES\`, \`STRATA_BENCH_STREAMS\`,
\`STRATA_BENCH_STREAM_SECONDS\`, \`STRATA_BENCH_CONNECTIONS\`, \`STRATA_BENCH_TARGETS\`,
\`STRATA_BENCH_OUTPUT\` (see \`test/bench/bench-config.ts\`). This run:
seconds ${String(config.seconds)}, rounds ${String(config.rounds)}, rates ${config.rates.join(', ')},
streams ${config.streams.join(', ')}, stream seconds ${String(config.streamSeconds)}.
`
}
