// Turns the measured values of each gate into a verdict. Pure. A ratio gate compares candidate /
// stable with maxRatio; an increase gate compares candidate - stable, in percentage points, with
// maxIncreasePercent. A side with too few requests, or a value Prometheus could not give (no
// series yet, 0/0), makes the gate NoData: the rollout neither advances nor fails on it.
import type { GateName, GateResult, RolloutGates } from '@strata/crds'

export interface Measured {
  candidate: number | undefined
  stable: number | undefined
}

export interface Measurements {
  /** Attempts per side in the window. */
  samples: Measured
  gates: Partial<Record<GateName, Measured>>
}

const ratioGates = new Set<GateName>(['timeToFirstToken', 'duration', 'costPerRequest'])

function limitOf(gates: RolloutGates, gate: GateName): number | undefined {
  const declared = gates[gate]
  if (declared === undefined) return undefined
  return 'maxRatio' in declared ? declared.maxRatio : declared.maxIncreasePercent
}

// Rounded so that a status carries readable figures and does not change at every evaluation by
// noise in the last digits.
const rounded = (value: number): number => Number(value.toPrecision(4))

function passes(gate: GateName, candidate: number, stable: number, limit: number): boolean {
  if (!ratioGates.has(gate)) return candidate - stable <= limit
  // A free or instant stable side cannot be divided by; the candidate passes only by matching it.
  if (stable <= 0) return candidate <= 0
  return candidate / stable <= limit
}

export function gateVerdicts(
  gates: RolloutGates,
  measurements: Measurements,
  minimumRequests: number,
): GateResult[] {
  const enough =
    (measurements.samples.candidate ?? 0) >= minimumRequests &&
    (measurements.samples.stable ?? 0) >= minimumRequests
  const results: GateResult[] = []
  for (const gate of Object.keys(gates) as GateName[]) {
    const limit = limitOf(gates, gate)
    if (limit === undefined) continue
    const { candidate, stable } = measurements.gates[gate] ?? {
      candidate: undefined,
      stable: undefined,
    }
    const values = {
      ...(candidate === undefined ? {} : { candidate: rounded(candidate) }),
      ...(stable === undefined ? {} : { stable: rounded(stable) }),
    }
    if (!enough || candidate === undefined || stable === undefined) {
      results.push({ gate, verdict: 'NoData', ...values, limit })
      continue
    }
    const verdict = passes(gate, candidate, stable, limit) ? 'Pass' : 'Fail'
    results.push({ gate, verdict, ...values, limit })
  }
  return results
}

/** One gate in words, e.g. "errorRate 31.2 vs 0 (max +5)". */
export function describeGate(result: GateResult): string {
  const show = (value: number | undefined) => (value === undefined ? 'no data' : String(value))
  const limit = ratioGates.has(result.gate)
    ? `max ×${String(result.limit)}`
    : `max +${String(result.limit)}`
  return `${result.gate} ${show(result.candidate)} vs ${show(result.stable)} (${limit})`
}
