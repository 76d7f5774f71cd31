import { describe, expect, it } from 'vitest'
import { GatewayError } from '../errors/gateway-error.ts'
import { checkJsonDepth, MAX_JSON_DEPTH } from './json-depth.ts'

const nested = (levels: number): unknown => JSON.parse('['.repeat(levels) + ']'.repeat(levels))

describe('checkJsonDepth', () => {
  it('accepts values up to the limit', () => {
    expect(() => {
      checkJsonDepth({ a: nested(MAX_JSON_DEPTH - 1) })
    }).not.toThrow()
    expect(() => {
      checkJsonDepth('text')
    }).not.toThrow()
  })

  it('refuses deeper values with a 400 naming the field where the nesting starts', () => {
    const body = {
      model: 'm',
      tools: [{ type: 'function', function: { name: 'f', parameters: { items: nested(5_000) } } }],
    }
    let caught: unknown
    try {
      checkJsonDepth(body)
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(GatewayError)
    expect(caught).toMatchObject({
      status: 400,
      type: 'invalid_request_error',
      param: 'tools[0].function.parameters',
      code: 'nesting_too_deep',
    })
    expect((caught as GatewayError).message).toBe(
      `Invalid value for 'tools[0].function.parameters': JSON nested more than ${MAX_JSON_DEPTH} levels deep.`,
    )
  })

  it('names a field given by the caller, e.g. tool-call arguments parsed from a string', () => {
    expect(() => {
      checkJsonDepth(nested(1_000), 'messages[1].tool_calls[0].function.arguments')
    }).toThrow(
      expect.objectContaining({ param: 'messages[1].tool_calls[0].function.arguments' }) as Error,
    )
  })
})
