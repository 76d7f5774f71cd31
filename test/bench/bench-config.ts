// How long and how hard `make bench` runs, from the environment, so a full run stays bounded
// (about 15 minutes for the data plane, 5 more for the control plane) and a smoke run takes
// about two:
//   STRATA_BENCH_QUICK=1           smoke run: 1 round, 2 s per measurement, one rate, 100 streams
//   STRATA_BENCH_SECONDS=N         seconds per throughput or fixed-rate measurement
//   STRATA_BENCH_ROUNDS=N          rounds; targets alternate within each, figures are medians
//   STRATA_BENCH_RATES=200,500     fixed request rates for latency
//   STRATA_BENCH_STREAMS=100,1000  concurrent streams
//   STRATA_BENCH_CONNECTIONS=N     wrk connections for maximum throughput
//   STRATA_BENCH_TARGETS=a,b       only these targets (ids in targets.ts); floors always run
//   STRATA_BENCH_PHASES=throughput,rates,streams   which measurements to run (default all)
//   STRATA_BENCH_GATEWAY_NODE_OPTIONS='…'  Node flags for strata-gateway instead of the chart's
//                                   heap cap (empty: V8's default heap sizing)
//   STRATA_BENCH_OUTPUT=dir        where benchmarks.md and benchmarks.svg go (default docs/)
//   STRATA_BENCH_BASELINE=dir      also run the gateway of that checkout (targets
//                                   strata-converse-baseline, strata-mantle-baseline)
import { z } from 'zod'

const list = z
  .string()
  .transform((text) => text.split(',').map((item) => item.trim()))
  .pipe(z.array(z.string().min(1)))
const numbers = z
  .string()
  .transform((text) => text.split(',').map((item) => Number(item.trim())))
  .pipe(z.array(z.number().int().positive()))
const positive = z.coerce.number().int().positive()

const phaseNames = ['throughput', 'rates', 'streams'] as const
export type Phase = (typeof phaseNames)[number]

export interface BenchConfig {
  quick: boolean
  seconds: number
  warmupSeconds: number
  rounds: number
  rates: number[]
  streams: number[]
  streamSeconds: number
  connections: number
  targets: string[] | undefined
  phases: Phase[]
  output: string
}

export function benchConfig(env: NodeJS.ProcessEnv, repoRoot: string): BenchConfig {
  const quick = env['STRATA_BENCH_QUICK'] === '1' || env['STRATA_BENCH_QUICK'] === 'true'
  const read = <S extends z.ZodType>(
    name: string,
    schema: S,
    fallback: z.output<S>,
  ): z.output<S> => {
    const raw = env[name]
    if (raw === undefined || raw === '') return fallback
    const parsed = schema.safeParse(raw)
    if (!parsed.success) throw new Error(`${name}=${raw}: ${z.prettifyError(parsed.error)}`)
    return parsed.data
  }
  const seconds = read('STRATA_BENCH_SECONDS', positive, quick ? 2 : 4)
  return {
    quick,
    seconds,
    warmupSeconds: 1,
    rounds: read('STRATA_BENCH_ROUNDS', positive, quick ? 1 : 3),
    rates: read('STRATA_BENCH_RATES', numbers, quick ? [500] : [200, 500, 1000]),
    streams: read('STRATA_BENCH_STREAMS', numbers, quick ? [100] : [100, 1000]),
    streamSeconds: read('STRATA_BENCH_STREAM_SECONDS', positive, quick ? 2 : 3),
    connections: read('STRATA_BENCH_CONNECTIONS', positive, 32),
    targets: read('STRATA_BENCH_TARGETS', list.optional(), undefined),
    phases: read('STRATA_BENCH_PHASES', list.pipe(z.array(z.enum(phaseNames))), [...phaseNames]),
    output: read('STRATA_BENCH_OUTPUT', z.string().min(1), `${repoRoot}docs`),
  }
}

/** The rate the summary's latency columns show: 500 req/s (the goals' rate) when measured. */
export function focusRate(config: Pick<BenchConfig, 'rates'>): number {
  return config.rates.includes(500) ? 500 : (config.rates[0] ?? 500)
}
