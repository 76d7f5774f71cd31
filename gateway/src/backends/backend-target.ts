// What a chosen route backend becomes upstream: the backend kinds, the target every backend call
// takes, and how a route backend becomes one. Converse calls go through the project's
// application inference profile when it has one, because that is what attributes their cost;
// Mantle attributes cost by project instead (the target's projectId, sent as `OpenAI-Project`), so
// it keeps the plain model id.
import type { RouteBackend } from '@strata/crds'
import type { GuardrailTarget } from '../guardrails/guardrail-target.ts'

export type BackendKind = 'converse' | 'mantle'

export interface BackendTarget {
  kind: BackendKind
  /** What goes upstream: a model id, an inference profile id, or an (application) inference profile ARN. */
  modelId: string
  region: string
  /**
   * The caller's Bedrock project (`proj_…` or `default`). Mantle attributes the call to it with
   * `OpenAI-Project`; Converse attributes cost through the profile in `modelId` instead.
   */
  projectId?: string
  /** The route's or project's Bedrock guardrail; each backend kind enforces it its own way. */
  guardrail?: GuardrailTarget
}

export function backendTarget(backend: RouteBackend, projectId: string): BackendTarget {
  const modelId =
    backend.kind === 'converse' && backend.profileArn !== undefined
      ? backend.profileArn
      : backend.modelId
  return { kind: backend.kind, modelId, region: backend.region, projectId }
}
