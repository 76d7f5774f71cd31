// Which guardrail guards a call, and what an intervention becomes. The route's guardrail replaces
// the project's (a route may tighten or loosen it; it is the more specific declaration). The
// target carries a callback so that the backend, which alone sees an intervention, can count it
// under the project and route labels without knowing them.
import type { Guardrail, Project, Route } from '@strata/crds'
import { GatewayError } from '../errors/gateway-error.ts'
import { gatewayError } from '../errors/catalogue.ts'

export type GuardrailDirection = 'input' | 'output'

export interface GuardrailTarget extends Guardrail {
  onIntervention(direction: GuardrailDirection): void
}

export function guardrailOf(project: Project, route: Route): Guardrail | undefined {
  return route.guardrail ?? project.guardrail
}

/** A guarded target for the call, or none when neither the route nor the project has a guardrail. */
export function guardrailTarget(
  project: Project,
  route: Route,
  count: (labels: { project: string; route: string; direction: GuardrailDirection }) => void,
): { guardrail?: GuardrailTarget } {
  const guardrail = guardrailOf(project, route)
  if (guardrail === undefined) return {}
  const labels = {
    project: `${project.namespace}/${project.name}`,
    route: `${route.namespace}/${route.name}`,
  }
  return {
    guardrail: {
      ...guardrail,
      onIntervention: (direction) => {
        count({ ...labels, direction })
      },
    },
  }
}

/**
 * Blocked input is the caller's request being refused, so a 400 like OpenAI's own moderation
 * refusals; the guardrail's message says why, in the words the platform team configured.
 */
export function blockedInput(message: string | undefined, param = 'messages'): GatewayError {
  return gatewayError(
    'content_filter',
    message ?? 'The request was blocked by a content guardrail.',
    { param },
  )
}

/**
 * The Responses API applies guardrails on Converse backends only (Mantle's would need the
 * ApplyGuardrail wrapper for Responses events), so a guarded route with any Mantle backend refuses
 * it rather than serve it unguarded: a guardrail a caller can step around by changing endpoint
 * guards nothing. Deciding on the route, not on the backend picked, keeps the answer stable.
 */
export function refuseUnguardedApi(project: Project, route: Route, api: string): void {
  if (guardrailOf(project, route) === undefined) return
  if (!route.backends.some((backend) => backend.kind === 'mantle')) return
  throw gatewayError(
    'unsupported_with_guardrail',
    `The model \`${route.model}\` has a content guardrail, which the ${api} does not apply on its Mantle backends yet; use the Chat Completions API.`,
    { param: 'model' },
  )
}
