import { describe, expect, it } from 'vitest'
import { GatewayError } from './gateway-error.ts'
import { mantleError, mantleStreamError } from './mantle-errors.ts'

const body = (error: Record<string, unknown>) => ({ error })

describe('mantleError', () => {
  it('keeps the status, type, code, message and param of an OpenAI-shaped error', () => {
    const error = mantleError({
      status: 400,
      body: body({
        message: "model `openai.gpt-5.4` isn't supported on this route",
        type: 'invalid_request_error',
        param: 'model',
        code: 'validation_error',
      }),
    })
    expect(error).toBeInstanceOf(GatewayError)
    expect(error.status).toBe(400)
    expect(error.toBody()).toEqual(
      body({
        message: "model `openai.gpt-5.4` isn't supported on this route",
        type: 'invalid_request_error',
        param: 'model',
        code: 'validation_error',
      }),
    )
    expect(error.upstreamType).toBe('validation_error')
  })

  it('keeps a 429 with its Retry-After', () => {
    const error = mantleError({
      status: 429,
      body: body({
        message: 'Too many tokens',
        type: 'rate_limit_error',
        code: 'rate_limit_exceeded',
      }),
      retryAfter: '7',
    })
    expect(error).toMatchObject({
      status: 429,
      type: 'rate_limit_error',
      code: 'rate_limit_exceeded',
      message: 'Too many tokens',
      retryAfterSeconds: 7,
    })
  })

  it('types an unknown error type by its status', () => {
    expect(
      mantleError({ status: 409, body: body({ message: 'busy', type: 'conflict_error' }) }),
    ).toMatchObject({ status: 409, type: 'invalid_request_error', message: 'busy' })
    expect(mantleError({ status: 503, body: body({ type: 'overloaded' }) })).toMatchObject({
      status: 503,
      type: 'server_error',
    })
  })

  it('keeps the status of a body that is not OpenAI-shaped', () => {
    expect(mantleError({ status: 502, body: undefined })).toMatchObject({
      status: 502,
      type: 'server_error',
      message: 'The model provider answered with HTTP 502.',
      code: undefined,
    })
  })

  it('answers a model failure (424) as Converse does: 502 api_error model_error', () => {
    for (const code of ['model_error', 'model_stream_error']) {
      const error = mantleError({
        status: 424,
        body: body({ message: 'The model failed.', type: 'invalid_request_error', code }),
      })
      expect(error).toMatchObject({
        status: 502,
        type: 'api_error',
        code: 'model_error',
        message: 'The model failed.',
        upstreamType: code,
        upstream: 'refused',
      })
    }
  })

  it('says which failures mean the backend did not serve', () => {
    const verdict = (status: number): unknown => mantleError({ status, body: undefined }).upstream
    expect([429, 400, 404, 424, 401].map(verdict)).toEqual(Array(5).fill('refused'))
    expect([408, 500, 502, 503, 504].map(verdict)).toEqual(Array(5).fill('unavailable'))
  })

  it("does not blame the client's key when the gateway's own credentials fail", () => {
    const error = mantleError({
      status: 401,
      body: body({ message: 'bad key', type: 'authentication_error', code: 'invalid_api_key' }),
    })
    expect(error).toMatchObject({
      status: 502,
      type: 'api_error',
      code: 'upstream_authentication_failed',
      upstreamType: 'invalid_api_key',
    })
  })
})

describe('mantleStreamError', () => {
  it('keeps the fields of an error event and derives a status from its type', () => {
    const error = mantleStreamError(
      body({
        message: 'The service failed.',
        type: 'server_error',
        code: 'internal_error',
        param: null,
      }),
    )
    expect(error.toBody()).toEqual(
      body({
        message: 'The service failed.',
        type: 'server_error',
        param: null,
        code: 'internal_error',
      }),
    )
    expect(error.status).toBe(502)
    expect(error.upstream).toBe('unavailable')
    expect(mantleStreamError(body({ type: 'rate_limit_error' }))).toMatchObject({
      status: 429,
      upstream: 'refused',
    })
  })

  it('answers a model failure mid-stream as Converse does', () => {
    const error = mantleStreamError(
      body({
        message: 'The model failed.',
        type: 'invalid_request_error',
        code: 'model_stream_error',
      }),
    )
    expect(error).toMatchObject({ status: 502, type: 'api_error', code: 'model_error' })
  })

  it('falls back to an api_error for an event without usable fields', () => {
    expect(mantleStreamError({ error: 'boom' })).toMatchObject({
      status: 502,
      type: 'api_error',
      message: 'The model failed during the answer.',
    })
  })
})
