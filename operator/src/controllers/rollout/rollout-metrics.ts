// The rollout's gauges, set from each decided status: the phase (one series per phase, 1 for the
// current one, as kube-state-metrics does), the step and the candidate's weight, and each gate's
// verdict and values. Labels are bounded by the routes that declare a rollout.
import { GATE_NAMES, ROLLOUT_PHASES, type RolloutStatus } from '@strata/crds'
import type { OperatorMetrics } from '../../metrics.ts'

const verdictValue = { Pass: 1, Fail: 0, NoData: -1 } as const

export function recordRolloutMetrics(
  metrics: OperatorMetrics,
  route: string,
  status: RolloutStatus,
): void {
  for (const phase of ROLLOUT_PHASES)
    metrics.rolloutPhase.set({ route, phase }, phase === status.phase ? 1 : 0)
  metrics.rolloutStep.set({ route }, status.step)
  metrics.rolloutWeight.set({ route }, status.weight)
  for (const gate of status.gates ?? []) {
    metrics.rolloutGatePassed.set({ route, gate: gate.gate }, verdictValue[gate.verdict])
    if (gate.candidate !== undefined)
      metrics.rolloutGateValue.set({ route, gate: gate.gate, side: 'candidate' }, gate.candidate)
    if (gate.stable !== undefined)
      metrics.rolloutGateValue.set({ route, gate: gate.gate, side: 'stable' }, gate.stable)
  }
}

// prom-client removes a series only by its full label set, so each known one is named.
export function forgetRolloutMetrics(metrics: OperatorMetrics, route: string): void {
  for (const phase of ROLLOUT_PHASES) metrics.rolloutPhase.remove({ route, phase })
  metrics.rolloutStep.remove({ route })
  metrics.rolloutWeight.remove({ route })
  for (const gate of GATE_NAMES) {
    metrics.rolloutGatePassed.remove({ route, gate })
    for (const side of ['candidate', 'stable'])
      metrics.rolloutGateValue.remove({ route, gate, side })
  }
}
