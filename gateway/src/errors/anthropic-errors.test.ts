import { describe, expect, it } from 'vitest'
import { anthropicError } from './anthropic-errors.ts'

describe('anthropicError', () => {
  it.each([
    [400, 400, 'invalid_request_error'],
    [401, 401, 'authentication_error'],
    [402, 402, 'billing_error'],
    [403, 403, 'permission_error'],
    [404, 404, 'not_found_error'],
    [409, 409, 'invalid_request_error'],
    [413, 413, 'request_too_large'],
    [429, 429, 'rate_limit_error'],
    [500, 500, 'api_error'],
    [502, 502, 'api_error'],
    [503, 529, 'overloaded_error'],
    [504, 504, 'timeout_error'],
  ])('HTTP %i is %i %s', (status, sent, type) => {
    expect(anthropicError(status, 'Nope.')).toEqual({
      status: sent,
      body: { type: 'error', error: { type, message: 'Nope.' } },
    })
  })
})
