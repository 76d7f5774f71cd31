import { describe, expect, it } from 'vitest'
import {
  errorCatalogue,
  gatewayError,
  invalidRequest,
  passedThroughError,
  streamIncomplete,
  type InvalidRequestName,
} from './catalogue.ts'

describe('error catalogue', () => {
  it("builds an error with its entry's status, type and code", () => {
    const error = gatewayError('circuit_open', 'Every backend is failing.', {
      retryAfterSeconds: 3,
    })
    expect(error.toBody()).toEqual({
      error: {
        message: 'Every backend is failing.',
        type: 'server_error',
        param: null,
        code: 'circuit_open',
      },
    })
    expect(error).toMatchObject({ status: 503, retryAfterSeconds: 3 })
  })

  it('sends no code where OpenAI sends none', () => {
    expect(gatewayError('invalid_json', 'Not JSON.').toBody().error.code).toBeNull()
  })

  it('keeps the 400 family a translator may raise at 400 invalid_request_error', () => {
    const names: InvalidRequestName[] = [
      'invalid_request',
      'invalid_value',
      'invalid_type',
      'unknown_parameter',
      'missing_required_parameter',
      'unsupported_parameter',
      'unsupported_value',
      'invalid_image_url',
      'invalid_image_format',
      'image_url_not_supported',
      'nesting_too_deep',
    ]
    for (const name of names) {
      expect(errorCatalogue[name]).toMatchObject({ status: 400, type: 'invalid_request_error' })
      expect(invalidRequest('x', 'p', name)).toMatchObject({ status: 400, code: name, param: 'p' })
    }
  })

  it('names an early-ended stream one way on every backend', () => {
    expect(streamIncomplete('ended')).toMatchObject({
      status: 502,
      type: 'api_error',
      code: 'upstream_stream_incomplete',
      upstream: 'unavailable',
    })
  })

  it("passes a provider's own code through, and gives Bedrock's unmapped errors one code", () => {
    const mantle = passedThroughError('provider_error', 409, 'invalid_request_error', 'm', {
      code: 'conflict',
    })
    expect(mantle).toMatchObject({ status: 409, code: 'conflict' })
    const bedrock = passedThroughError('upstream_error', 418, 'invalid_request_error', 'b', {
      code: 'ignored',
    })
    expect(bedrock).toMatchObject({ status: 418, code: 'upstream_error' })
    expect(passedThroughError('http_error', 405, 'invalid_request_error', 'h').code).toBeUndefined()
  })
})
