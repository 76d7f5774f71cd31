// ServiceAccount-token auth as server.ts wires it: TokenReview over the gateway's Kubernetes
// access, counted, behind the verdict cache.
import type { KubeApiAccess } from '../kubernetes/api-access.ts'
import type { GatewayMetrics } from '../metrics/gateway-metrics.ts'
import type { TokenReviews } from '../metrics/token-review-metrics.ts'
import type { ServiceAccountAuth } from './service-account-auth.ts'
import { createTokenCache } from './token-cache.ts'
import { createTokenReviewer, type TokenReviewer } from './token-review.ts'

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

/** Counts every review that really reaches the API. */
export function countedReviews(review: TokenReviewer, counter: TokenReviews): TokenReviewer {
  return async (token) => {
    try {
      const result = await review(token)
      counter.inc({ outcome: result.authenticated ? 'authenticated' : 'rejected' })
      return result
    } catch (error) {
      counter.inc({ outcome: 'error' })
      throw error
    }
  }
}
