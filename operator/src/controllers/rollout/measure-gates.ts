// Measures a rollout's gates: the sample size and every declared gate, for both sides, through
// the Prometheus client. The queries come from gate-queries.ts; the verdicts from gate-verdicts.ts.
import type { GateName, ModelRouteRollout } from '@strata/crds'
import { gateQuery, sampleQuery, windowSecondsOf, type Side } from './gate-queries.ts'
import type { Measured, Measurements } from './gate-verdicts.ts'
import type { PrometheusClient } from './prometheus-client.ts'

export async function measureGates(
  prometheus: PrometheusClient,
  route: string,
  rollout: ModelRouteRollout,
): Promise<Measurements> {
  const window = windowSecondsOf(rollout)
  const sides = {
    candidate: { route, backend: rollout.candidate },
    stable: { route, backend: rollout.stable },
  }
  const both = async (query: (side: Side) => string): Promise<Measured> => {
    const [candidate, stable] = await Promise.all([
      prometheus.value(query(sides.candidate)),
      prometheus.value(query(sides.stable)),
    ])
    return { candidate, stable }
  }
  const declared = (Object.keys(rollout.gates) as GateName[]).filter(
    (gate) => rollout.gates[gate] !== undefined,
  )
  const [samples, ...values] = await Promise.all([
    both((side) => sampleQuery(side, window)),
    ...declared.map((gate) => both((side) => gateQuery(gate, side, window))),
  ])
  return {
    samples,
    gates: Object.fromEntries(declared.map((gate, index) => [gate, values[index]])),
  }
}
