// Issue 8's goals, checked against one run's figures. A goal whose figures are missing (a target
// not run, a rate not measured) is reported as unknown, never as held.
import type { TargetSummary } from './summary.ts'
import type { TargetId } from './targets.ts'

export interface GoalVerdict {
  goal: string
  /** undefined: this run did not measure it. */
  holds: boolean | undefined
  measured: string
}

const fixed = (value: number, digits = 2) =>
  Number.isFinite(value) ? value.toFixed(digits) : 'n/a'

function verdict(goal: string, value: number, limit: (v: number) => boolean, measured: string) {
  return { goal, holds: Number.isFinite(value) ? limit(value) : undefined, measured }
}

export function checkGoals(summaries: TargetSummary[]): GoalVerdict[] {
  const of = (id: TargetId) => summaries.find((s) => s.id === id)
  const strata = of('strata-converse')
  const bare = of('bare-proxy')
  const cpuRatio = (strata?.cpuMicrosPerRequest ?? NaN) / (bare?.cpuMicrosPerRequest ?? NaN)
  const at500 = strata?.rates.find((r) => r.rate === 500)
  const rps = strata?.maxRps ?? NaN
  const streams = strata?.streams.find((s) => s.concurrency === 1000)
  const versus = (id: TargetId) => rps / (of(id)?.maxRps ?? NaN)
  return [
    verdict('CPU per request ≤ 2× the bare proxy', cpuRatio, (v) => v <= 2, `${fixed(cpuRatio)}×`),
    verdict(
      'added p50 at 500 req/s ≤ 0.5 ms (Converse)',
      at500?.addedP50 ?? NaN,
      (v) => v <= 0.5,
      `${fixed(at500?.addedP50 ?? NaN)} ms`,
    ),
    verdict(
      'added p99 at 500 req/s ≤ 1 ms (Converse)',
      at500?.addedP99 ?? NaN,
      (v) => v <= 1,
      `${fixed(at500?.addedP99 ?? NaN)} ms`,
    ),
    verdict(
      'max throughput ≥ 70% of the bare proxy',
      versus('bare-proxy'),
      (v) => v >= 0.7,
      `${fixed(versus('bare-proxy') * 100, 0)}%`,
    ),
    verdict(
      'max throughput ≥ 3× Portkey',
      versus('portkey'),
      (v) => v >= 3,
      `${fixed(versus('portkey'))}×`,
    ),
    verdict(
      'max throughput ≥ 10× LiteLLM',
      versus('litellm'),
      (v) => v >= 10,
      `${fixed(versus('litellm'))}×`,
    ),
    verdict(
      'added TTFT p99 ≤ 5 ms at 1,000 streams',
      streams?.addedTtftP99 ?? NaN,
      (v) => v <= 5,
      `${fixed(streams?.addedTtftP99 ?? NaN)} ms`,
    ),
    verdict(
      'gateway RSS ≤ 250 MB at 1,000 streams',
      streams?.rssMebibytes ?? NaN,
      // The goal is in megabytes (10^6 bytes); RSS is sampled in MiB.
      (v) => v * 1.048576 <= 250,
      `${fixed((streams?.rssMebibytes ?? NaN) * 1.048576, 0)} MB (${fixed(streams?.rssMebibytes ?? NaN, 0)} MiB)`,
    ),
  ]
}
