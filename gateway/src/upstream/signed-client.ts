// The one signed-call client every lean Bedrock client is built on (Converse, Claude's InvokeModel,
// the embeddings InvokeModel, ApplyGuardrail, Mantle): it owns the connection pool unless given
// one, sends signed JSON POSTs through signedPost, and reads the 2xx answer as JSON or as a stream
// of the media type asked for. Each client keeps its own URLs, request headers and error map.
import type { Dispatcher } from 'undici'
import type { RequestSigner } from '@strata/aws-signing'
import type { GatewayError } from '../errors/gateway-error.ts'
import { invalidResponse } from '../errors/catalogue.ts'
import { createBedrockAgent } from './bedrock-agent.ts'
import { discardBody } from './discard-body.ts'
import { listenableBody, type ListenableBytes } from './listenable-body.ts'
import { headerValue, mediaTypeOf, readJson, signedPost } from './signed-exchange.ts'

export interface SignedClientConfig {
  signer: RequestSigner
  /** Defaults to a pool owned (and closed) by the client. */
  dispatcher?: Dispatcher | undefined
  /** Time to the response headers; signedPost's default when absent. */
  headersTimeoutMs?: number | undefined
  /** Longest silence between body bytes; signedPost's default when absent. */
  bodyTimeoutMs?: number | undefined
}

export interface SignedClientOptions {
  /** The client's own map of a non-2xx answer. */
  toError: (response: Dispatcher.ResponseData) => Promise<GatewayError>
  /** The pool made when the config passes none; a keep-alive Bedrock agent by default. */
  createDispatcher?: () => Dispatcher
  /** Timeouts for a config that sets none, when the client's calls are shorter than a model's. */
  defaultTimeoutMs?: number
}

export interface SignedRequest {
  url: URL
  /** Lower-case names; signed along with the body. */
  headers: Record<string, string>
  /** Serialised as JSON. */
  body: unknown
  region: string
  /** Cancels the request, including a stream already being read. */
  signal: AbortSignal
}

export interface SignedClient {
  /** The 2xx answer, for a client that reads its headers as well as its body. */
  post(request: SignedRequest): Promise<Dispatcher.ResponseData>
  /** The 2xx answer's JSON, unvalidated. */
  json(request: SignedRequest): Promise<unknown>
  /** The 2xx answer's bytes, once its media type is `mediaType`; any other is a 502. */
  stream(request: SignedRequest, mediaType: string): Promise<ListenableBytes>
  close(): Promise<void>
}

export function createSignedClient(
  config: SignedClientConfig,
  options: SignedClientOptions,
): SignedClient {
  const ownsDispatcher = config.dispatcher === undefined
  const dispatcher = config.dispatcher ?? (options.createDispatcher ?? createBedrockAgent)()
  const headersTimeoutMs = config.headersTimeoutMs ?? options.defaultTimeoutMs
  const bodyTimeoutMs = config.bodyTimeoutMs ?? options.defaultTimeoutMs

  const post = (request: SignedRequest): Promise<Dispatcher.ResponseData> =>
    signedPost(
      {
        dispatcher,
        signer: config.signer,
        url: request.url,
        headers: request.headers,
        body: JSON.stringify(request.body),
        region: request.region,
        signal: request.signal,
        headersTimeoutMs,
        bodyTimeoutMs,
      },
      options.toError,
    )

  return {
    post,
    async json(request) {
      return readJson(await post(request), request.signal)
    },
    async stream(request, mediaType) {
      const response = await post(request)
      const contentType = headerValue(response.headers, 'content-type')
      if (mediaTypeOf(contentType) !== mediaType) {
        discardBody(response.body)
        throw invalidResponse(
          `The model provider answered a stream request with '${contentType ?? ''}'.`,
        )
      }
      return listenableBody(response, request.signal)
    },
    async close() {
      if (ownsDispatcher) await dispatcher.close()
    },
  }
}
