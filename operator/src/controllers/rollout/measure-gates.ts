// Measures a rollout's gates: the sample size and every declared gate, for both sides, through
// the Prometheus client. The queries come from gate-queries.ts; the verdicts from gate-verdicts.ts.
// During a shadow step the candidate is measured on its shadow copies, and only the gates those
// can answer are measured (and judged).
import type { GateName, ModelRouteRollout, RolloutGates } from '@strata/crds'
import {
  gateQuery,
  measurableInShadow,
  sampleQuery,
  shadowGateQuery,
  shadowSampleQuery,
  windowSecondsOf,
} from './gate-queries.ts'
import type { Measured, Measurements } from './gate-verdicts.ts'
import type { PrometheusClient } from './prometheus-client.ts'

export interface GateMeasurement {
  /** The gates that were measured, and so are to be judged. */
  gates: RolloutGates
  measurements: Measurements
}

export async function measureGates(
  prometheus: PrometheusClient,
  route: string,
  rollout: ModelRouteRollout,
  shadow: boolean,
): Promise<GateMeasurement> {
  const window = windowSecondsOf(rollout)
  const candidate = { route, backend: rollout.candidate }
  const stable = { route, backend: rollout.stable }
  const both = async (candidateQuery: string, stableQuery: string): Promise<Measured> => {
    const [candidateValue, stableValue] = await Promise.all([
      prometheus.value(candidateQuery),
      prometheus.value(stableQuery),
    ])
    return { candidate: candidateValue, stable: stableValue }
  }
  const declared = (Object.keys(rollout.gates) as GateName[]).filter(
    (gate) => rollout.gates[gate] !== undefined && (!shadow || measurableInShadow(gate)),
  )
  const [samples, ...values] = await Promise.all([
    both(
      shadow ? shadowSampleQuery(route, window) : sampleQuery(candidate, window),
      sampleQuery(stable, window),
    ),
    ...declared.map((gate) =>
      both(
        shadow ? shadowGateQuery(gate, route, window) : gateQuery(gate, candidate, window),
        gateQuery(gate, stable, window),
      ),
    ),
  ])
  return {
    gates: Object.fromEntries(declared.map((gate) => [gate, rollout.gates[gate]])),
    measurements: {
      samples,
      gates: Object.fromEntries(declared.map((gate, index) => [gate, values[index]])),
    },
  }
}
