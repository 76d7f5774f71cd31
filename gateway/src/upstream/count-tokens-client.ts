// Bedrock CountTokens through the AWS SDK's own command: token counting is off the hot path (a
// client asks before it sends, not per token), so the SDK's weight costs nothing that matters and
// its request shape (the Anthropic body as a base64 `invokeModel.body` blob) is the SDK's to get
// right. Errors map like every other Bedrock error; CountTokens itself is free of charge.
// Reference: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_CountTokens.html
import { BedrockRuntimeClient, CountTokensCommand } from '@aws-sdk/client-bedrock-runtime'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import { bedrockError } from '../errors/bedrock-errors.ts'
import { GatewayError } from '../errors/gateway-error.ts'
import type { CredentialsProvider } from '@strata/aws-signing'
import { upstreamFailure } from './upstream-failure.ts'

export interface CountTokensCall {
  /** A foundation-model id: CountTokens counts per model, not per profile. */
  modelId: string
  region: string
  /** Bedrock's Anthropic body, as InvokeModel would get it. */
  body: Record<string, unknown>
  signal: AbortSignal
}

export interface CountTokensClient {
  countTokens(call: CountTokensCall): Promise<number>
  close(): void
}

export interface CountTokensConfig {
  endpoint?: string
  /** A Bedrock API key (AWS_BEARER_TOKEN_BEDROCK); otherwise SigV4 with `credentials`. */
  bearerToken?: string
  credentials: CredentialsProvider
}

interface SdkFailure {
  name?: unknown
  message?: unknown
  $metadata?: { httpStatusCode?: unknown }
  $fault?: unknown
}

function mapFailure(error: unknown, signal: AbortSignal): GatewayError {
  if (error instanceof GatewayError) return error
  const failure = (typeof error === 'object' && error !== null ? error : {}) as SdkFailure
  const status = failure.$metadata?.httpStatusCode
  if (signal.aborted || typeof status !== 'number') return upstreamFailure(error, signal)
  return bedrockError({
    name: typeof failure.name === 'string' ? failure.name : undefined,
    message: typeof failure.message === 'string' ? failure.message : undefined,
    status,
  })
}

export function createCountTokensClient(config: CountTokensConfig): CountTokensClient {
  const clients = new Map<string, BedrockRuntimeClient>()
  const clientFor = (region: string): BedrockRuntimeClient => {
    let client = clients.get(region)
    if (client === undefined) {
      client = new BedrockRuntimeClient({
        region,
        ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
        ...(config.bearerToken === undefined
          ? { credentials: config.credentials }
          : { token: { token: config.bearerToken }, authSchemePreference: ['httpBearerAuth'] }),
        // HTTP/1.1 like the rest of the gateway; the gateway's resilience decides on retries.
        requestHandler: new NodeHttpHandler(),
        maxAttempts: 1,
      })
      clients.set(region, client)
    }
    return client
  }
  return {
    async countTokens(call) {
      try {
        const out = await clientFor(call.region).send(
          new CountTokensCommand({
            modelId: call.modelId,
            input: { invokeModel: { body: new TextEncoder().encode(JSON.stringify(call.body)) } },
          }),
          { abortSignal: call.signal },
        )
        return out.inputTokens ?? 0
      } catch (error) {
        throw mapFailure(error, call.signal)
      }
    },
    close() {
      for (const client of clients.values()) client.destroy()
    },
  }
}
