// A lean Bedrock Runtime client for Converse and ConverseStream: undici with keep-alive pools,
// SigV4 or bearer auth, no AWS SDK client on the hot path.
// References: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html,
// .../API_runtime_ConverseStream.html and docs/reference/bedrock-runtime.md (paths; the modelId
// label is percent-encoded like the SDK does, `:` → %3A, `/` → %2F; errors; configuration).
import type { Dispatcher } from 'undici'
import { boundedMemo } from '@strata/aws-signing/bounded-memo'
import { bedrockError, errorTypeOf } from '../errors/bedrock-errors.ts'
import { retryAfterSeconds } from '../errors/retry-after.ts'
import { type GatewayError } from '../errors/gateway-error.ts'
import {
  converseResponseSchema,
  type ConverseRequest,
  type ConverseResponse,
} from './converse-shapes.ts'
import type { RequestSigner } from '@strata/aws-signing'
import { headerValue, parseJson, readLimited, stringField } from './signed-exchange.ts'
import { createSignedClient, type SignedClient } from './signed-client.ts'
import { invalidResponse } from '../errors/catalogue.ts'

/** The event-stream media type of every Bedrock Runtime streaming answer. */
export const eventStreamMediaType = 'application/vnd.amazon.eventstream'

export interface ConverseClientConfig {
  signer: RequestSigner
  /** Overrides `https://bedrock-runtime.{region}.amazonaws.com` for every region (emulators, VPC endpoints). */
  endpoint?: string
  /** Defaults to a keep-alive undici Agent owned (and closed) by the client. */
  dispatcher?: Dispatcher
  /** Time to the response headers; ConverseStream sends headers only once the model starts. Default 5 min. */
  headersTimeoutMs?: number
  /** Longest silence between body bytes. Default 5 min. */
  bodyTimeoutMs?: number
}

export interface ConverseCall {
  modelId: string
  region: string
  body: ConverseRequest
  /** Cancels the upstream request, including a stream already being read. */
  signal: AbortSignal
}

export interface ConverseClient {
  converse(call: ConverseCall): Promise<ConverseResponse>
  /** Resolves once Bedrock answered 200; the bytes are the raw event stream. */
  converseStream(call: ConverseCall): Promise<AsyncIterable<Uint8Array>>
  close(): Promise<void>
}

/** runtimeEndpoint is the endpoint override, or the regional Bedrock Runtime host. */
export function runtimeEndpoint(config: ConverseClientConfig, region: string): URL {
  return new URL(config.endpoint ?? `https://bedrock-runtime.${region}.amazonaws.com`)
}

export type RuntimeOperation =
  'converse' | 'converse-stream' | 'invoke' | 'invoke-with-response-stream'

/** operationUrl builds the request URL; exported for tests of the encoding rule. */
export function operationUrl(endpoint: URL, modelId: string, operation: RuntimeOperation): URL {
  const base = endpoint.pathname.replace(/\/+$/, '')
  return new URL(`${base}/model/${encodeURIComponent(modelId)}/${operation}`, endpoint)
}

/**
 * runtimeUrls builds a client's operation URLs, each kept once per region, operation and model:
 * parsing the endpoint and the URL on every request showed in the profile.
 */
export function runtimeUrls(
  config: ConverseClientConfig,
): (region: string, modelId: string, operation: RuntimeOperation) => URL {
  const urls = boundedMemo<URL>(1024)
  return (region, modelId, operation) =>
    urls(`${region} ${operation} ${modelId}`, () =>
      operationUrl(runtimeEndpoint(config, region), modelId, operation),
    )
}

/**
 * runtimeClient is the signed client of the Bedrock Runtime clients (Converse, InvokeModel,
 * ApplyGuardrail): their endpoint, auth, timeouts and error map are the same.
 */
export function runtimeClient(
  config: ConverseClientConfig,
  options: { createDispatcher?: () => Dispatcher; defaultTimeoutMs?: number } = {},
): SignedClient {
  return createSignedClient(config, { ...options, toError: errorFromResponse })
}

/** errorFromResponse maps a Bedrock Runtime error answer; InvokeModel shares it. */
export async function errorFromResponse(response: Dispatcher.ResponseData): Promise<GatewayError> {
  const body = parseJson(await readLimited(response.body))
  const name = errorTypeOf(headerValue(response.headers, 'x-amzn-errortype'), body)
  const retryAfter = retryAfterSeconds(headerValue(response.headers, 'retry-after'))
  return bedrockError({
    name,
    message: stringField(body, 'message', 'Message'),
    status: response.statusCode,
    ...(retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter }),
  })
}

/** createConverseClient builds a client; it reads no environment (see converse-client-config.ts). */
export function createConverseClient(config: ConverseClientConfig): ConverseClient {
  const client = runtimeClient(config)
  const urlOf = runtimeUrls(config)

  const request = (call: ConverseCall, operation: 'converse' | 'converse-stream') => ({
    url: urlOf(call.region, call.modelId, operation),
    headers:
      operation === 'converse'
        ? { 'content-type': 'application/json', accept: 'application/json' }
        : { 'content-type': 'application/json' },
    body: call.body,
    region: call.region,
    signal: call.signal,
  })

  return {
    async converse(call) {
      const parsed = converseResponseSchema.safeParse(await client.json(request(call, 'converse')))
      if (!parsed.success)
        throw invalidResponse('The model provider sent an invalid response.', parsed.error)
      return parsed.data
    },
    converseStream: (call) => client.stream(request(call, 'converse-stream'), eventStreamMediaType),
    close: () => client.close(),
  }
}
