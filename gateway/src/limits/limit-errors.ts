// The refusals of token governance, worded and typed as api.openai.com words them, so that SDK
// retry logic behaves: a rate limit is 429 `rate_limit_exceeded` with `type` naming the unit (the
// SDK retries it after Retry-After); an exhausted budget is 429 `insufficient_quota`, which is not
// worth retrying until the period ends (`x-should-retry: false` tells the openai SDKs so).
// Reference: https://platform.openai.com/docs/guides/error-codes
import type { GatewayError } from '../errors/gateway-error.ts'
import { gatewayError } from '../errors/catalogue.ts'
import type { BudgetCheck, RateCheck } from './limit-plan.ts'
import type { CheckState } from './limit-store.ts'
import { goDuration } from './rate-limit-headers.ts'
import { msUntilAvailable } from './token-bucket.ts'

const unitNames = {
  requests: 'requests per min (RPM)',
  tokens: 'tokens per min (TPM)',
} as const

export function rateLimitExceeded(
  check: RateCheck,
  state: CheckState,
  model: string,
  owner: string,
): GatewayError {
  const waitMs = msUntilAvailable(state.level, state.limit, check.cost)
  const used = Math.max(0, Math.ceil(state.limit - state.level))
  return gatewayError(
    check.unit === 'requests' ? 'rate_limit_requests' : 'rate_limit_tokens',
    `Rate limit reached for ${model} in ${check.scope} ${owner} on ${unitNames[check.unit]}: ` +
      `Limit ${String(Math.floor(state.limit))}, Used ${String(used)}, Requested ${String(check.cost)}. ` +
      `Please try again in ${goDuration(waitMs)}.`,
    { retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) },
  )
}

export function budgetExhausted(check: BudgetCheck, owner: string): GatewayError {
  const amount = check.unit === 'usd' ? `$${String(check.limit)}` : `${String(check.limit)} tokens`
  const period = check.period === 'day' ? 'daily' : 'monthly'
  return gatewayError(
    'insufficient_quota',
    `You exceeded your current quota: project ${owner} has used its ${period} budget of ${amount}. ` +
      `It renews at ${new Date(check.endsAt).toISOString()}.`,
  )
}

export function limitStoreUnavailable(): GatewayError {
  return gatewayError(
    'rate_limiter_unavailable',
    'The rate limit store is unreachable and this model is configured to fail closed. Please retry shortly.',
    { retryAfterSeconds: 1 },
  )
}
