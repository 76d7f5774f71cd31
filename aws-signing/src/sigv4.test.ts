import { createHash, createHmac } from 'node:crypto'
import { SignatureV4 } from '@smithy/signature-v4'
import { describe, expect, it } from 'vitest'
import { amzDate, canonicalPath, createSigV4, escapeUri, type SigV4Credentials } from './sigv4.ts'

// The checksum class smithy expects (`new (secret?)`, update, async digest), on node:crypto.
type Data = string | ArrayBuffer | ArrayBufferView
const bytes = (data: Data): string | Uint8Array =>
  typeof data === 'string'
    ? data
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data)
class Sha256 {
  #hash: ReturnType<typeof createHash> | ReturnType<typeof createHmac>
  constructor(secret?: Data) {
    this.#hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret))
  }
  update(chunk: Data): void {
    this.#hash.update(bytes(chunk))
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.#hash.digest()))
  }
}

const date = new Date('2026-01-02T03:04:05.678Z')

// The reference implementation the AWS SDK uses; the lean signer must agree with it byte for byte.
async function smithy(
  url: URL,
  headers: Record<string, string>,
  body: string,
  credentials: SigV4Credentials,
  region: string,
  service: string,
  signingDate = date,
) {
  const signer = new SignatureV4({ service, region, credentials, sha256: Sha256 })
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port === '' ? {} : { port: Number(url.port) }),
      path: url.pathname,
      ...(url.search === '' ? {} : { query: Object.fromEntries(url.searchParams) }),
      headers: { ...headers, host: url.host },
      body,
    },
    { signingRegion: region, signingDate },
  )
  return signed.headers
}

const cases: [string, string, Record<string, string>, string][] = [
  [
    'a Converse call with an encoded model id',
    'http://127.0.0.1:9999/model/us.anthropic.claude-sonnet-4-6%3A0/converse',
    { 'content-type': 'application/json', accept: 'application/json' },
    '{"messages":[{"role":"user","content":[{"text":"hi  there"}]}]}',
  ],
  [
    'a profile ARN with slashes and a query',
    'https://bedrock-runtime.us-west-2.amazonaws.com/model/arn%3Aaws%3Abedrock%3Aus-west-2%3A1%3Aapplication-inference-profile%2Fabc/converse-stream?b=2&a=x%20y*',
    {
      'content-type': 'application/json',
      'openai-project': ' proj_1  x ',
      'user-agent': 'ignored',
    },
    '',
  ],
]

describe('lean SigV4', () => {
  for (const [name, url, headers, body] of cases) {
    for (const credentials of [
      { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
      { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token/with+chars' },
    ]) {
      it(`signs ${name} as @smithy/signature-v4 does (${credentials.accessKeyId})`, async () => {
        const sign = createSigV4()
        const scope = { region: 'us-west-2', service: 'bedrock', credentials, date }
        const expected = await smithy(
          new URL(url),
          headers,
          body,
          credentials,
          'us-west-2',
          'bedrock',
        )
        expect(sign({ method: 'POST', url: new URL(url), headers, body }, scope)).toEqual(expected)
        // Second call: from the signing-key cache, same answer.
        expect(sign({ method: 'POST', url: new URL(url), headers, body }, scope)).toEqual(expected)
      })
    }
  }

  it('derives a new signing key when the secret rotates under the same key id', async () => {
    const sign = createSigV4()
    const url = new URL(cases[0]?.[1] ?? '')
    const request = { method: 'POST', url, headers: {}, body: '{}' }
    const old = { accessKeyId: 'AKID', secretAccessKey: 'old' }
    const rotated = { accessKeyId: 'AKID', secretAccessKey: 'new' }
    sign(request, { region: 'us-east-1', service: 'bedrock-mantle', credentials: old, date })
    const signed = sign(request, {
      region: 'us-east-1',
      service: 'bedrock-mantle',
      credentials: rotated,
      date,
    })
    expect(signed).toEqual(await smithy(url, {}, '{}', rotated, 'us-east-1', 'bedrock-mantle'))
  })

  it('signs each request with its own second, across seconds and days', async () => {
    const sign = createSigV4()
    const url = new URL(cases[0]?.[1] ?? '')
    const request = { method: 'POST', url, headers: {}, body: '{}' }
    const credentials = { accessKeyId: 'AKID', secretAccessKey: 'secret' }
    for (const when of [
      date,
      new Date(date.getTime() + 300),
      new Date(date.getTime() + 1000),
      new Date(date.getTime() + 86_400_000),
    ]) {
      const scope = { region: 'us-east-1', service: 'bedrock', credentials, date: when }
      expect(sign(request, scope)).toEqual(
        await smithy(url, {}, '{}', credentials, 'us-east-1', 'bedrock', when),
      )
    }
  })

  it('has the canonical forms of the AWS documentation', () => {
    expect(amzDate(date)).toBe('20260102T030405Z')
    expect(escapeUri("a!'()*b c")).toBe('a%21%27%28%29%2Ab%20c')
    expect(canonicalPath('/model/a%3Ab/./x/../converse')).toBe('/model/a%253Ab/converse')
  })
})
