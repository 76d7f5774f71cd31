// SigV4 verification for the plain Bedrock stand-in, with @smithy/signature-v4 (the AWS SDK's own
// signer) rather than the gateway's aws-signing package, so that the two implementations check
// each other over a real socket.
// Reference: AWS "Signature Version 4 signing process": Authorization is
// `AWS4-HMAC-SHA256 Credential=<akid>/<yyyymmdd>/<region>/<service>/aws4_request,
// SignedHeaders=<h1;h2>, Signature=<hex>`, the date is `x-amz-date` (yyyymmddThhmmssZ), the
// canonical URI of non-S3 services is the wire path URI-encoded once more, and
// `x-amz-content-sha256`, when sent, must be the body's hash; temporary credentials add
// `x-amz-security-token`. Bedrock API keys are `Authorization: Bearer <key>` (Bedrock user guide,
// "API keys").
import { createHash, createHmac, type Hash } from 'node:crypto'
import { SignatureV4 } from '@smithy/signature-v4'

export interface SigningKey {
  accessKeyId: string
  secretAccessKey: string
  region: string
  service: string
  /** Temporary credentials: the `x-amz-security-token` every request must then carry. */
  sessionToken?: string
  /** A Bedrock API key, accepted as `Authorization: Bearer <key>` in place of SigV4. */
  bearerToken?: string
}

export interface SignedRequest {
  method: string
  /** The path exactly as it came on the wire, still percent-encoded. */
  rawPath: string
  headers: Readonly<Record<string, string | string[] | undefined>>
  body: Buffer
}

/** An AWS auth failure: the exception name real AWS sends with 403. */
export interface AuthFailure {
  type:
    | 'MissingAuthenticationTokenException'
    | 'UnrecognizedClientException'
    | 'InvalidSignatureException'
  message: string
}

const authorizationPattern =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/

type SourceData = string | ArrayBuffer | ArrayBufferView

const bytesOf = (data: SourceData): string | Uint8Array =>
  typeof data === 'string'
    ? data
    : data instanceof ArrayBuffer
      ? new Uint8Array(data)
      : new Uint8Array(data.buffer, data.byteOffset, data.byteLength)

/** SHA-256 and HMAC-SHA-256 on node:crypto in the shape @smithy/signature-v4 asks for. */
export class NodeSha256 {
  private readonly hash: Hash | ReturnType<typeof createHmac>
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytesOf(secret))
  }
  update(data: SourceData): void {
    this.hash.update(bytesOf(data))
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()))
  }
}

const header = (request: SignedRequest, name: string): string | undefined => {
  const value = request.headers[name]
  return Array.isArray(value) ? value.join(',') : value
}

function amzDate(value: string): Date | undefined {
  const parts = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value)
  if (parts === null) return undefined
  const [, y, mo, d, h, mi, s] = parts.map(Number)
  return new Date(Date.UTC(y ?? 0, (mo ?? 1) - 1, d, h, mi, s))
}

/** verifySigV4 answers undefined for a request AWS would accept, or the failure AWS would send. */
export async function verifySigV4(
  request: SignedRequest,
  key: SigningKey,
): Promise<AuthFailure | undefined> {
  const authorization = header(request, 'authorization')
  if (authorization?.startsWith('Bearer ') === true) {
    if (key.bearerToken !== undefined && authorization === `Bearer ${key.bearerToken}`)
      return undefined
    return {
      type: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    }
  }
  const date = header(request, 'x-amz-date')
  if (authorization === undefined || date === undefined)
    return { type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' }
  const parts = authorizationPattern.exec(authorization)
  const signingDate = amzDate(date)
  if (parts === null || signingDate === undefined)
    return {
      type: 'InvalidSignatureException',
      message: `Malformed Authorization: ${authorization}`,
    }
  const [, accessKeyId, day, region, service, signedHeaders = '', signature] = parts
  if (accessKeyId !== key.accessKeyId)
    return {
      type: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    }
  if (region !== key.region || service !== key.service || day !== date.slice(0, 8))
    return {
      type: 'InvalidSignatureException',
      message: `Credential should be scoped to a valid region and service ${key.service}: ${authorization}`,
    }
  if (
    key.sessionToken !== undefined &&
    header(request, 'x-amz-security-token') !== key.sessionToken
  )
    return {
      type: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    }
  const names = signedHeaders.split(';')
  if (!names.includes('host') || !names.includes('x-amz-date'))
    return { type: 'InvalidSignatureException', message: 'host and x-amz-date must be signed.' }
  if (Math.abs(Date.now() - signingDate.getTime()) > 5 * 60_000)
    return { type: 'InvalidSignatureException', message: 'Signature expired.' }
  const contentHash = header(request, 'x-amz-content-sha256')
  const bodyHash = createHash('sha256').update(request.body).digest('hex')
  if (contentHash !== undefined && contentHash !== bodyHash)
    return {
      type: 'InvalidSignatureException',
      message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
    }
  const headers: Record<string, string> = {}
  for (const name of names) {
    const value = header(request, name)
    if (value === undefined)
      return { type: 'InvalidSignatureException', message: `Signed header ${name} is missing.` }
    headers[name] = value
  }
  const signer = new SignatureV4({
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
    region: key.region,
    service: key.service,
    sha256: NodeSha256,
    applyChecksum: false,
  })
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: 'http:',
      hostname: headers['host'] ?? '',
      path: request.rawPath,
      query: {},
      headers,
      body: request.body,
    },
    { signingDate, signableHeaders: new Set(names) },
  )
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers['authorization']))?.[1]
  if (expected === signature) return undefined
  return {
    type: 'InvalidSignatureException',
    message:
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
  }
}

/** A JSON POST to `path` under `baseUrl`, SigV4-signed with `key` as the AWS SDK signs one. */
export async function signedPost(
  baseUrl: string,
  path: string,
  body: string,
  key: SigningKey,
): Promise<Response> {
  const url = new URL(path, baseUrl)
  const signer = new SignatureV4({ ...key, credentials: key, sha256: NodeSha256 })
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: url.pathname,
    query: {},
    headers: { host: url.host, 'content-type': 'application/json' },
    body,
  })
  return fetch(url, { method: 'POST', headers: signed.headers, body })
}
