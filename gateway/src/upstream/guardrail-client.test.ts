// What a failed ApplyGuardrail call becomes for the caller of a guarded route.
import { describe, expect, it } from 'vitest'
import { bedrockError } from '../errors/bedrock-errors.ts'
import { guardrailFailure } from './guardrail-client.ts'

describe('guardrailFailure', () => {
  it("makes a guardrail that does not exist the gateway's 500, not the model's 404", () => {
    const failure = guardrailFailure(
      bedrockError({
        status: 404,
        name: 'ResourceNotFoundException',
        message: 'The guardrail identifier or version provided in the request does not exist.',
      }),
    )
    expect(failure).toMatchObject({
      status: 500,
      type: 'server_error',
      code: 'guardrail_not_found',
      upstreamType: 'ResourceNotFoundException',
    })
    expect((failure as Error).message).toContain('does not exist')
  })

  it('leaves every other failure as the Bedrock mapping made it', () => {
    const throttled = bedrockError({ status: 429, name: 'ThrottlingException', message: 'slow' })
    expect(guardrailFailure(throttled)).toBe(throttled)
    const plain = new Error('socket hang up')
    expect(guardrailFailure(plain)).toBe(plain)
  })
})
