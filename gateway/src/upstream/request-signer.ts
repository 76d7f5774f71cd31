// Authentication of Bedrock requests: SigV4 (service `bedrock` for Bedrock Runtime,
// `bedrock-mantle` for Mantle and its Projects API) or a Bedrock API key.
// References: AWS SigV4 (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html),
// @smithy/signature-v4, and Bedrock API keys (shared/reference/bedrock-api.md §7): a key is sent
// as `Authorization: Bearer <key>` and replaces signing.
import { SignatureV4 } from '@smithy/signature-v4'
import { Sha256 } from './sha256.ts'

export interface AwsCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
  expiration?: Date
}

/** Resolves current credentials; the SDK's defaultProvider() caches and refreshes them. */
export type CredentialsProvider = () => Promise<AwsCredentials>

export interface SignableRequest {
  method: 'GET' | 'POST'
  url: URL
  /** Lower-case names. */
  headers: Record<string, string>
  body: string
  region: string
}

/** RequestSigner returns the headers to send, authentication included. */
export interface RequestSigner {
  sign(request: SignableRequest): Promise<Record<string, string>>
}

type SigV4Request = Parameters<SignatureV4['sign']>[0] & { headers: Record<string, string> }

/** sigV4Signer signs with credentials from `credentials`; `now` exists for deterministic tests. */
export function sigV4Signer(
  credentials: CredentialsProvider,
  now: () => Date = () => new Date(),
  service: 'bedrock' | 'bedrock-mantle' = 'bedrock',
): RequestSigner {
  const signer = new SignatureV4({
    service,
    region: 'us-east-1',
    credentials,
    sha256: Sha256,
  })
  return {
    async sign(request) {
      const { url } = request
      const toSign: SigV4Request = {
        method: request.method,
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port === '' ? {} : { port: Number(url.port) }),
        path: url.pathname,
        ...(url.search === '' ? {} : { query: Object.fromEntries(url.searchParams) }),
        headers: { ...request.headers, host: url.host },
        body: request.body,
      }
      const signed = await signer.sign(toSign, {
        signingRegion: request.region,
        signingDate: now(),
      })
      return signed.headers
    },
  }
}

/** bearerSigner sends a Bedrock API key instead of signing. */
export function bearerSigner(token: string): RequestSigner {
  return {
    sign(request) {
      return Promise.resolve({ ...request.headers, authorization: `Bearer ${token}` })
    },
  }
}
