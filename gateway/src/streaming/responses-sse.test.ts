import { describe, expect, it } from 'vitest'
import { GatewayError } from '../errors/gateway-error.ts'
import type { ResponseStreamEvent } from '../openai/responses.ts'
import { responsesSse } from './responses-sse.ts'

// What pipeline/sse-response.ts writes for these events and this failure.
function textOf(events: ResponseStreamEvent[], failure?: GatewayError): string {
  const encoding = responsesSse()
  const texts = events.map((event) => encoding.item(event) ?? '')
  const last = failure === undefined ? encoding.end : encoding.error(failure)
  return [...texts, last ?? ''].join('')
}

describe('responsesSse', () => {
  it('names each event and sends no [DONE]', () => {
    const text = textOf([
      { type: 'response.created', sequence_number: 0, response: {} },
      { type: 'response.output_text.delta', sequence_number: 1, delta: 'a\nb' },
    ])
    expect(text).toBe(
      'event: response.created\ndata: {"type":"response.created","sequence_number":0,"response":{}}\n\n' +
        'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":1,"delta":"a\\nb"}\n\n',
    )
  })

  it('ends a failed stream with one error event the SDK raises', () => {
    const failure = new GatewayError(429, 'rate_limit_error', 'Slow down.', {
      code: 'rate_limit_exceeded',
    })
    const text = textOf([{ type: 'response.created', sequence_number: 0 }], failure)
    const last = text.trim().split('\n\n').at(-1) ?? ''
    expect(last.split('\n')[0]).toBe('event: error')
    expect(JSON.parse(last.split('\n')[1]?.slice('data: '.length) ?? '')).toEqual({
      type: 'error',
      sequence_number: 1,
      code: 'rate_limit_exceeded',
      message: 'Slow down.',
      param: null,
      error: {
        message: 'Slow down.',
        type: 'rate_limit_error',
        param: null,
        code: 'rate_limit_exceeded',
      },
    })
  })
})
