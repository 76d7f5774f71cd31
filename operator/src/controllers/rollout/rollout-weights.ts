// What a rollout does to a route's entry in the routing table, from the spec and the status the
// rollout controller recorded. Pure. The table is compiled from this (routing/compile-table.ts),
// so the weights live in exactly one place, the status, and survive an operator restart.
import type { ModelRouteRollout, RolloutStatus } from '@strata/crds'
import { rolloutSpecHash } from './rollout-spec-hash.ts'

/** The table effect of a rollout: the candidate's share of stable + candidate, and any shadow. */
export interface RolloutWeights {
  stable: string
  candidate: string
  /** Percent of the pair's traffic the candidate takes (0-100). */
  candidatePercent: number
  /** Percent of requests copied to the candidate, in a shadow step. */
  shadowPercent?: number
}

// Weights are per mille between the pair so that 5 % is 50 : 950, within the table's 0-1000.
export const WEIGHT_SCALE = 10

/**
 * The effect now. A declared rollout the controller has not yet started (or whose status describes
 * another spec) sends the candidate nothing: the candidate's own weight in the spec never counts.
 */
export function rolloutWeights(
  rollout: ModelRouteRollout | undefined,
  status: RolloutStatus | undefined,
): RolloutWeights | undefined {
  if (rollout === undefined) return undefined
  const pair = { stable: rollout.stable, candidate: rollout.candidate }
  const current =
    status !== undefined &&
    status.stable === rollout.stable &&
    status.candidate === rollout.candidate &&
    status.specHash === rolloutSpecHash(rollout)
  // A Blocked rollout never started: the candidate takes nothing, whatever the status says.
  if (!current || status.phase === 'Blocked') return { ...pair, candidatePercent: 0 }
  return {
    ...pair,
    candidatePercent: status.weight,
    ...(status.shadowPercent ? { shadowPercent: status.shadowPercent } : {}),
  }
}

/** The pair's weights in the table, e.g. 25 % → stable 750, candidate 250. */
export function tableWeights(weights: RolloutWeights): { stable: number; candidate: number } {
  return {
    stable: (100 - weights.candidatePercent) * WEIGHT_SCALE,
    candidate: weights.candidatePercent * WEIGHT_SCALE,
  }
}
