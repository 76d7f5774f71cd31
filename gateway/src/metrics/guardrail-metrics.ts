// strata_gateway_guardrail_interventions_total: how often a Bedrock guardrail blocked a request
// (direction input) or an answer (direction output), per project and route.
import { Counter, type Registry } from 'prom-client'

export type GuardrailInterventions = Counter<'project' | 'route' | 'direction'>

export function createGuardrailMetrics(registry: Registry): GuardrailInterventions {
  return new Counter({
    name: 'strata_gateway_guardrail_interventions_total',
    help: 'Bedrock guardrail interventions, by project, route and direction (input or output).',
    labelNames: ['project', 'route', 'direction'] as const,
    registers: [registry],
  })
}
