// ServiceAccount-token auth as server.ts wires it: TokenReview over the gateway's Kubernetes
// access, counted, behind the verdict cache.
import type { KubeApiAccess } from '../kubernetes/api-access.ts'
import type { GatewayMetrics } from '../metrics/gateway-metrics.ts'
import { countedReviews } from '../metrics/token-review-metrics.ts'
import type { ServiceAccountAuth } from './service-account-auth.ts'
import { createTokenCache } from './token-cache.ts'
import { createTokenReviewer } from './token-review.ts'

export function serviceAccountAuth(
  api: KubeApiAccess,
  metrics: GatewayMetrics,
): ServiceAccountAuth {
  return {
    review: createTokenCache({
      review: countedReviews(createTokenReviewer({ api }), metrics.tokenReviews),
      clock: Date.now,
    }),
  }
}
