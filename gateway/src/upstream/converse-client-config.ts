// The one place that reads the environment for the Bedrock Runtime client, the standard AWS way.
// References: AWS SDKs "Service-specific endpoints" (AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL,
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS), Bedrock API keys (AWS_BEARER_TOKEN_BEDROCK) and the SDK
// default credential chain — env, IRSA web identity, EKS Pod Identity, IMDS
// (shared/reference/bedrock-api.md §7).
import { defaultProvider } from '@aws-sdk/credential-provider-node'
import type { ConverseClientConfig } from './converse-client.ts'
import { bearerSigner, sigV4Signer } from './request-signer.ts'

export type Environment = Readonly<Record<string, string | undefined>>

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim()
}

/** endpointFromEnv resolves the Bedrock Runtime endpoint override, if any. */
export function endpointFromEnv(env: Environment): string | undefined {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === 'true') return undefined
  return nonEmpty(env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME) ?? nonEmpty(env.AWS_ENDPOINT_URL)
}

/**
 * fromEnv builds the client config. A Bedrock API key in AWS_BEARER_TOKEN_BEDROCK wins over SigV4,
 * as in the AWS SDK; otherwise credentials come from the default chain, cached and refreshed by
 * the provider (it re-resolves within five minutes of expiry).
 */
export function fromEnv(env: Environment): ConverseClientConfig {
  const token = nonEmpty(env.AWS_BEARER_TOKEN_BEDROCK)
  const endpoint = endpointFromEnv(env)
  const signer = token === undefined ? sigV4Signer(defaultProvider()) : bearerSigner(token)
  return endpoint === undefined ? { signer } : { signer, endpoint }
}
