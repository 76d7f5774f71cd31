import { describe, expect, it } from 'vitest'
import { GatewayError } from '../errors/gateway-error.ts'
import { malformedOutputError } from '../translators/openai-to-converse/finish-reason.ts'
import { attemptOutcome } from './attempt-outcome.ts'

const error = (status: number, message: string, upstream?: 'unavailable' | 'refused') =>
  new GatewayError(status, 'invalid_request_error', message, upstream ? { upstream } : {})

describe('attemptOutcome', () => {
  it('tells success, backend failures, context overflows and other client errors apart', () => {
    expect(attemptOutcome(undefined)).toBe('success')
    expect(attemptOutcome(error(500, 'boom', 'unavailable'))).toBe('failure')
    expect(attemptOutcome(error(400, 'Input is too long for requested model.', 'refused'))).toBe(
      'context_overflow',
    )
    expect(attemptOutcome(error(400, 'messages: field required', 'refused'))).toBe('client_error')
    expect(attemptOutcome(malformedOutputError('malformed_tool_use'))).toBe('malformed_output')
  })
})
