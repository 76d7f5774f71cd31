// How one upstream attempt ended, for strata_gateway_backend_attempts_total: what a rollout's
// error-rate and context-overflow gates compare between two backends (docs/rollouts.md). Pure.
import type { GatewayError } from '../errors/gateway-error.ts'
import type { AttemptOutcome } from '../metrics/resilience-metrics.ts'
import { isBackendFailure } from './retryable.ts'

// Bedrock refuses an input longer than the model's window with a ValidationException and no code
// of its own: its message is the only signal ("Input is too long for requested model.", "too many
// input tokens", "prompt is too long"), here as Bedrock and the models behind it word it.
const contextOverflowMessage =
  /input is too long|too many (input )?tokens|prompt is too long|context (length|window)/i

export const ATTEMPT_OUTCOMES: readonly AttemptOutcome[] = [
  'success',
  'failure',
  'client_error',
  'context_overflow',
  'malformed_output',
]

export function attemptOutcome(error: GatewayError | undefined): AttemptOutcome {
  if (error === undefined) return 'success'
  if (isBackendFailure(error)) return 'failure'
  // A malformed_* stop reason becomes an error inside the attempt (finish-reason.ts), and a
  // retryable one: another backend may serve the client, but the attempt still counts.
  if (error.upstreamType?.startsWith('malformed_') === true) return 'malformed_output'
  if (error.status === 400 && contextOverflowMessage.test(error.message)) return 'context_overflow'
  return 'client_error'
}
