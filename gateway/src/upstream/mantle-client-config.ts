// The one place that reads the environment for the Mantle client, the same standard AWS way as
// the Bedrock Runtime client (converse-client-config.ts): AWS_ENDPOINT_URL_BEDROCK_MANTLE (then
// AWS_ENDPOINT_URL) overrides `https://bedrock-mantle.{region}.api.aws`; a Bedrock API key in
// AWS_BEARER_TOKEN_BEDROCK is sent as a bearer token, otherwise requests are SigV4-signed for the
// service `bedrock-mantle` with the default credential chain (docs/reference/mantle.md).
import {
  bearerTokenFromEnv,
  defaultCredentials,
  endpointFromEnv,
  type Environment,
} from './converse-client-config.ts'
import type { MantleClientConfig } from './mantle-client.ts'
import { bearerSigner, sigV4Signer, type CredentialsProvider } from '@strata/aws-signing'

/** mantleConfigFromEnv builds the Mantle client config; pass the provider converse uses to share it. */
export function mantleConfigFromEnv(
  env: Environment,
  credentials: CredentialsProvider = defaultCredentials(),
): MantleClientConfig {
  const token = bearerTokenFromEnv(env)
  const endpoint = endpointFromEnv(env, 'AWS_ENDPOINT_URL_BEDROCK_MANTLE')
  const signer =
    token === undefined
      ? sigV4Signer(credentials, () => new Date(), 'bedrock-mantle')
      : bearerSigner(token)
  return endpoint === undefined ? { signer } : { signer, endpoint }
}
