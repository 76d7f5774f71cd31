// What a chosen route backend becomes upstream. Converse calls go through the project's
// application inference profile when it has one, because that is what attributes their cost;
// Mantle attributes cost by project instead (the target's projectId, sent as `OpenAI-Project`), so
// it keeps the plain model id.
import type { RouteBackend } from '@strata/crds'
import type { BackendTarget } from '../backends/chat-backend.ts'

export function backendTarget(backend: RouteBackend, projectId: string): BackendTarget {
  const modelId =
    backend.kind === 'converse' && backend.profileArn !== undefined
      ? backend.profileArn
      : backend.modelId
  return { kind: backend.kind, modelId, region: backend.region, projectId }
}
