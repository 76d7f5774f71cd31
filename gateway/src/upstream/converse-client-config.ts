// The one place that reads the environment for the Bedrock Runtime client, the standard AWS way.
// References: AWS SDKs "Service-specific endpoints" (AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL,
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS), Bedrock API keys (AWS_BEARER_TOKEN_BEDROCK) and the SDK
// default credential chain — env, IRSA web identity, EKS Pod Identity, IMDS
// (docs/reference/bedrock-runtime.md, "Endpoints, signing and configuration").
import { defaultProvider } from '@aws-sdk/credential-provider-node'
import type { ConverseClientConfig } from './converse-client.ts'
import { bearerSigner, sigV4Signer, type CredentialsProvider } from '@strata/aws-signing'

export type Environment = Readonly<Record<string, string | undefined>>

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim()
}

/**
 * endpointFromEnv resolves an endpoint override, if any: the service-specific variable
 * (AWS_ENDPOINT_URL_BEDROCK_RUNTIME by default), then the global AWS_ENDPOINT_URL.
 */
export function endpointFromEnv(
  env: Environment,
  variable = 'AWS_ENDPOINT_URL_BEDROCK_RUNTIME',
): string | undefined {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === 'true') return undefined
  return nonEmpty(env[variable]) ?? nonEmpty(env.AWS_ENDPOINT_URL)
}

/** bearerTokenFromEnv is the Bedrock API key, which wins over SigV4 as in the AWS SDK. */
export function bearerTokenFromEnv(env: Environment): string | undefined {
  return nonEmpty(env.AWS_BEARER_TOKEN_BEDROCK)
}

/** defaultCredentials is the SDK default chain; share one between clients so they share its cache. */
export function defaultCredentials(): CredentialsProvider {
  return defaultProvider()
}

/**
 * fromEnv builds the client config. A Bedrock API key in AWS_BEARER_TOKEN_BEDROCK wins over SigV4,
 * as in the AWS SDK; otherwise credentials come from the default chain, cached and refreshed by
 * the provider (it re-resolves within five minutes of expiry).
 */
export function fromEnv(
  env: Environment,
  credentials: CredentialsProvider = defaultCredentials(),
): ConverseClientConfig {
  const token = bearerTokenFromEnv(env)
  const endpoint = endpointFromEnv(env)
  const signer = token === undefined ? sigV4Signer(credentials) : bearerSigner(token)
  return endpoint === undefined ? { signer } : { signer, endpoint }
}
