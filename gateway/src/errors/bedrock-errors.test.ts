import { describe, expect, it } from 'vitest'
import {
  bedrockError,
  errorNameOf,
  errorTypeOf,
  redactUpstreamMessage,
  streamExceptionName,
} from './bedrock-errors.ts'
import { retryAfterSeconds } from './retry-after.ts'

describe('errorTypeOf (where the SDK looks for the exception name)', () => {
  it.each([
    ['ThrottlingException', { code: 'ValidationException' }, 'ThrottlingException'],
    [undefined, { Code: 'ResourceNotFoundException', __type: 'X' }, 'ResourceNotFoundException'],
    [undefined, { CODE: 'AccessDeniedException' }, 'AccessDeniedException'],
    ['', { __type: 'a.b#ValidationException' }, 'a.b#ValidationException'],
    [undefined, { code: 7, __type: 'ModelErrorException' }, 'ModelErrorException'],
    [undefined, 'not an object', undefined],
    [undefined, undefined, undefined],
  ])('header %o, body %o → %o', (header, body, expected) => {
    expect(errorTypeOf(header, body)).toBe(expected)
  })
})

describe('errorNameOf (SDK rules for x-amzn-ErrorType and body code/__type)', () => {
  it.each([
    ['ThrottlingException', 'ThrottlingException'],
    [
      'ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/',
      'ThrottlingException',
    ],
    ['ValidationException,Something', 'ValidationException'],
    ['com.amazon.bedrock#ResourceNotFoundException', 'ResourceNotFoundException'],
    ['aws.protocoltests#AccessDeniedException:http://x', 'AccessDeniedException'],
    ['  ModelTimeoutException  ', 'ModelTimeoutException'],
  ])('%s → %s', (raw, name) => {
    expect(errorNameOf(raw)).toBe(name)
  })

  it('turns camelCase stream members into shape names', () => {
    expect(streamExceptionName('modelStreamErrorException')).toBe('ModelStreamErrorException')
  })
})

describe('bedrockError', () => {
  it.each([
    ['ThrottlingException', 429, 429, 'rate_limit_error', 'rate_limit_exceeded'],
    ['ValidationException', 400, 400, 'invalid_request_error', 'invalid_request'],
    ['AccessDeniedException', 403, 403, 'permission_error', 'permission_denied'],
    ['ResourceNotFoundException', 404, 404, 'not_found_error', 'model_not_found'],
    ['ModelTimeoutException', 408, 408, 'timeout_error', 'model_timeout'],
    ['ModelNotReadyException', 429, 429, 'rate_limit_error', 'model_not_ready'],
    ['ServiceQuotaExceededException', 400, 429, 'rate_limit_error', 'insufficient_quota'],
    ['ModelErrorException', 424, 502, 'api_error', 'model_error'],
    ['ModelStreamErrorException', 424, 502, 'api_error', 'model_error'],
    ['InternalServerException', 500, 500, 'server_error', 'internal_error'],
    ['ServiceUnavailableException', 503, 503, 'api_error', 'service_unavailable'],
    ['UnrecognizedClientException', 403, 502, 'api_error', 'upstream_authentication_failed'],
    ['InvalidSignatureException', 403, 502, 'api_error', 'upstream_authentication_failed'],
    ['ExpiredTokenException', 400, 502, 'api_error', 'upstream_authentication_failed'],
    ['ConflictException', 409, 409, 'invalid_request_error', 'upstream_error'],
    ['SomethingNewException', 503, 503, 'api_error', 'upstream_error'],
    [undefined, 500, 500, 'server_error', 'upstream_error'],
    [undefined, 200, 502, 'api_error', 'upstream_error'],
  ])('%s (HTTP %i) → %i %s %s', (name, upstreamStatus, status, type, code) => {
    const error = bedrockError({ name, message: undefined, status: upstreamStatus })
    expect(error).toMatchObject({ status, type, code })
    expect(error.message.length).toBeGreaterThan(0)
    expect(error.upstreamType).toBe(name)
  })

  // Only a backend that did not serve counts against its circuit (docs/resilience.md).
  it.each([
    ['ThrottlingException', 429, 'refused'],
    ['ServiceQuotaExceededException', 400, 'refused'],
    ['ModelNotReadyException', 429, 'refused'],
    ['ValidationException', 400, 'refused'],
    ['ModelErrorException', 424, 'refused'],
    ['ModelStreamErrorException', undefined, 'refused'],
    ['UnrecognizedClientException', 403, 'refused'],
    ['ConflictException', 409, 'refused'],
    ['ModelTimeoutException', 408, 'unavailable'],
    ['InternalServerException', 500, 'unavailable'],
    ['ServiceUnavailableException', 503, 'unavailable'],
    ['SomethingNewException', 503, 'unavailable'],
    [undefined, 502, 'unavailable'],
  ])('%s (HTTP %s) says the backend %s', (name, status, verdict) => {
    const failure = status === undefined ? { name, message: 'x' } : { name, message: 'x', status }
    expect(bedrockError(failure).upstream).toBe(verdict)
  })

  it('asks clients to wait before retrying a model that is not ready', () => {
    expect(
      bedrockError({ name: 'ModelNotReadyException', message: 'loading' }).retryAfterSeconds,
    ).toBe(10)
  })

  it("keeps a Retry-After that upstream sent, in seconds, over the table's hint", () => {
    expect(retryAfterSeconds(' 7 ')).toBe(7)
    const now = Date.parse('2026-10-21T07:28:00Z')
    expect(retryAfterSeconds('Wed, 21 Oct 2026 07:28:30 GMT', now)).toBe(30)
    expect(retryAfterSeconds('Wed, 21 Oct 2026 07:27:00 GMT', now)).toBe(0)
    expect(retryAfterSeconds('soon', now)).toBeUndefined()
    expect(retryAfterSeconds('-3', now)).toBeUndefined()
    const throttled = bedrockError({
      name: 'ThrottlingException',
      message: 'slow',
      retryAfterSeconds: 4,
    })
    expect(throttled).toMatchObject({ status: 429, retryAfterSeconds: 4 })
    expect(
      bedrockError({ name: 'ModelNotReadyException', message: 'x', retryAfterSeconds: 2 })
        .retryAfterSeconds,
    ).toBe(2)
  })

  it('keeps the upstream message so clients can fix their request', () => {
    const message =
      'The model returned the following errors: messages.0.content: text field is blank'
    expect(bedrockError({ name: 'ValidationException', message, status: 400 }).message).toBe(
      message,
    )
  })

  it('does not leak principals, accounts, key ids or API keys', () => {
    const message = redactUpstreamMessage(
      'User: arn:aws:sts::123456789012:assumed-role/strata-gateway/i-0abc is not authorized to perform: bedrock:InvokeModel on resource: ' +
        'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abcd1234efgh (key AKIAIOSFODNN7EXAMPLE, token bedrock-api-key-YmVkcm9jay5hbWF6b24=)',
    )
    expect(message).toBe(
      'User: <principal> is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:us-east-1:<account>:application-inference-profile/abcd1234efgh (key <access-key>, token <api-key>)',
    )
  })
})
