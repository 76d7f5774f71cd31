// From raw per-round samples to the figures the report shows. Added latency is taken round by
// round (a target minus its floor in the same round, so drift between rounds cancels), then the
// median over rounds.
import type { RateResult } from './rate-client.ts'
import { median } from './stats.ts'
import type { StreamResult } from './stream-client.ts'
import type { FloorId, TargetId } from './targets.ts'
import type { ThroughputSample } from './measure.ts'

type WithRss<T> = T & { rssMebibytes: number }
type StreamSample = WithRss<StreamResult> & { cpuPercent: number }

export interface TargetSamples {
  id: TargetId
  label: string
  role: 'floor' | 'proxy' | 'strata' | 'peer'
  floor: FloorId
  /** Index = round; a round may be missing when a run failed. */
  throughput: (ThroughputSample | undefined)[]
  rates: Record<number, (WithRss<RateResult & { cpuMicrosPerRequest: number }> | undefined)[]>
  streams: Record<number, (StreamSample | undefined)[]>
}

export interface RateFigures {
  rate: number
  p50: number
  p99: number
  addedP50: number
  addedP99: number
  /** Whether every round completed ≥ 95% of the schedule with no failure. */
  held: boolean
  /** CPU of the target per request at this rate (not saturated, unlike the wrk figure). */
  cpuMicrosPerRequest: number
}

export interface StreamFigures {
  concurrency: number
  ttftP50: number
  ttftP99: number
  addedTtftP50: number
  addedTtftP99: number
  gapP50: number
  gapP99: number
  rssMebibytes: number
  /** CPU time over the run's wall time, in percent of one core. */
  cpuPercent: number
  streams: number
  failed: number
}

export interface TargetSummary {
  id: TargetId
  label: string
  role: TargetSamples['role']
  floor: FloorId
  maxRps: number
  cpuMicrosPerRequest: number
  /** Largest resident memory sampled during the non-streaming runs. */
  rssMebibytes: number
  failures: number
  rates: RateFigures[]
  streams: StreamFigures[]
}

const max = (values: number[]) => (values.length === 0 ? Number.NaN : Math.max(...values))
const defined = <T>(values: (T | undefined)[]) => values.filter((v): v is T => v !== undefined)

function addedPerRound(mine: (number | undefined)[], floor: (number | undefined)[]): number {
  return median(mine.map((value, round) => (value ?? Number.NaN) - (floor[round] ?? Number.NaN)))
}

// Over the floor's best round. At 1,000 streams a floor round right after a saturated peer (its
// backlog still draining) can come out slower than the gateways in front of the same emulator,
// which made the added time negative. Disturbance only ever slows the floor, so its fastest round
// is the truest floor.
function addedOverBestFloor(mine: (number | undefined)[], floor: (number | undefined)[]): number {
  const floors = defined(floor)
  const best = floors.length === 0 ? Number.NaN : Math.min(...floors)
  return median(defined(mine)) - best
}

export function summarizeTarget(samples: TargetSamples, floor: TargetSamples): TargetSummary {
  const throughput = defined(samples.throughput)
  const rates = Object.entries(samples.rates).map(([rateText, rounds]): RateFigures => {
    const rate = Number(rateText)
    const floorRounds = floor.rates[rate] ?? []
    const done = defined(rounds)
    return {
      rate,
      p50: median(done.map((r) => r.latency.p50)),
      p99: median(done.map((r) => r.latency.p99)),
      cpuMicrosPerRequest: median(done.map((r) => r.cpuMicrosPerRequest)),
      addedP50: addedPerRound(
        rounds.map((r) => r?.latency.p50),
        floorRounds.map((r) => r?.latency.p50),
      ),
      addedP99: addedPerRound(
        rounds.map((r) => r?.latency.p99),
        floorRounds.map((r) => r?.latency.p99),
      ),
      held:
        done.length === rounds.length &&
        done.every((r) => r.failed === 0 && r.achievedRate >= 0.95 * r.rate),
    }
  })
  const streams = Object.entries(samples.streams).map(([text, rounds]): StreamFigures => {
    const floorRounds = floor.streams[Number(text)] ?? []
    const done = defined(rounds)
    return {
      concurrency: Number(text),
      ttftP50: median(done.map((r) => r.ttft.p50)),
      ttftP99: median(done.map((r) => r.ttft.p99)),
      addedTtftP50: addedOverBestFloor(
        rounds.map((r) => r?.ttft.p50),
        floorRounds.map((r) => r?.ttft.p50),
      ),
      addedTtftP99: addedOverBestFloor(
        rounds.map((r) => r?.ttft.p99),
        floorRounds.map((r) => r?.ttft.p99),
      ),
      gapP50: median(done.map((r) => r.gap.p50)),
      gapP99: median(done.map((r) => r.gap.p99)),
      rssMebibytes: max(done.map((r) => r.rssMebibytes)),
      cpuPercent: median(done.map((r) => r.cpuPercent)),
      streams: done.reduce((sum, r) => sum + r.streams, 0),
      failed: done.reduce((sum, r) => sum + r.failed, 0),
    }
  })
  const rateRss = Object.values(samples.rates).flatMap((rounds) =>
    defined(rounds).map((r) => r.rssMebibytes),
  )
  return {
    id: samples.id,
    label: samples.label,
    role: samples.role,
    floor: samples.floor,
    maxRps: median(throughput.map((t) => t.requestsPerSecond)),
    cpuMicrosPerRequest: median(throughput.map((t) => t.cpuMicrosPerRequest)),
    rssMebibytes: max([...throughput.map((t) => t.rssMebibytes), ...rateRss]),
    failures: throughput.reduce((sum, t) => sum + t.failures, 0),
    rates,
    streams,
  }
}

export function summarize(all: TargetSamples[]): TargetSummary[] {
  return all.map((samples) => {
    const floor = all.find((other) => other.id === samples.floor) ?? samples
    return summarizeTarget(samples, floor)
  })
}
