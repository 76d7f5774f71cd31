import { describe, expect, it } from 'vitest'
import { parseAuthorization } from './auth.ts'

describe('parseAuthorization', () => {
  it.each([
    {
      name: 'SigV4 credential scope',
      header:
        'AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc',
      auth: { kind: 'sigv4', accessKeyId: 'AKIDTEST', region: 'us-east-1', service: 'bedrock' },
    },
    {
      name: 'SigV4 for Mantle',
      header:
        'AWS4-HMAC-SHA256 Credential=AKID2/20260101/eu-west-1/bedrock-mantle/aws4_request, Signature=x',
      auth: { kind: 'sigv4', accessKeyId: 'AKID2', region: 'eu-west-1', service: 'bedrock-mantle' },
    },
    {
      name: 'bearer API key',
      header: 'Bearer bedrock-api-key-TEST',
      auth: { kind: 'bearer', token: 'bedrock-api-key-TEST' },
    },
    { name: 'missing header', header: undefined, auth: { kind: 'none' } },
    { name: 'unknown scheme', header: 'Basic dXNlcjpwYXNz', auth: { kind: 'none' } },
    {
      name: 'SigV4 without a scope',
      header: 'AWS4-HMAC-SHA256 Signature=x',
      auth: { kind: 'none' },
    },
  ])('reads $name', ({ header, auth }) => {
    expect(parseAuthorization(header)).toEqual(auth)
  })
})
