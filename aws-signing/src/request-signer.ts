// Authentication of Bedrock requests: SigV4 (service `bedrock` for Bedrock Runtime,
// `bedrock-mantle` for Mantle and its Projects API) or a Bedrock API key. The operator also signs
// its queries to Amazon Managed Service for Prometheus (service `aps`) for rollout gates.
// The gateway and the operator both sign with it, so it is a package of its own that needs nothing
// but node:crypto and neither program's dependencies.
// References: AWS SigV4 (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html),
// implemented in sigv4.ts, and Bedrock API keys
// (https://docs.aws.amazon.com/bedrock/latest/userguide/api-keys-use.html): a key is sent as
// `Authorization: Bearer <key>` and replaces signing.
import { createSigV4 } from './sigv4.ts'

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

/** sigV4Signer signs with credentials from `credentials`; `now` exists for deterministic tests. */
export function sigV4Signer(
  credentials: CredentialsProvider,
  now: () => Date = () => new Date(),
  service: 'bedrock' | 'bedrock-mantle' | 'aps' = 'bedrock',
): RequestSigner {
  const sign = createSigV4()
  return {
    async sign(request) {
      // The provider caches and refreshes; awaiting it per request is a resolved promise.
      const current = await credentials()
      return sign(
        { method: request.method, url: request.url, headers: request.headers, body: request.body },
        { region: request.region, service, credentials: current, date: now() },
      )
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
