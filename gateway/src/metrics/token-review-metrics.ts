// strata_gateway_token_reviews_total: TokenReview calls the gateway made to the Kubernetes API, by
// outcome (authenticated, rejected, error). Cached verdicts are not counted: the ratio of this to
// requests authenticated by ServiceAccount token shows the cache at work.
import { Counter, type Registry } from 'prom-client'

export type TokenReviews = Counter<'outcome'>

export function createTokenReviewMetrics(registry: Registry): TokenReviews {
  return new Counter({
    name: 'strata_gateway_token_reviews_total',
    help: 'TokenReview calls made to the Kubernetes API, by outcome (authenticated, rejected, error).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  })
}
