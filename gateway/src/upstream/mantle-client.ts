// A lean client for Bedrock Mantle's OpenAI-compatible Chat Completions and Responses: undici with keep-alive
// pools, SigV4 (service `bedrock-mantle`) or a Bedrock API key, `OpenAI-Project` attribution.
// References: docs/reference/mantle.md (host, prefixes, auth, `OpenAI-Project`: without it Mantle
// bills the account's `default` project, SSE, errors)
// and https://platform.openai.com/docs/api-reference/chat/create, …/responses/create,
// …/embeddings/create.
import type { Dispatcher } from 'undici'
import { boundedMemo } from '@strata/aws-signing/bounded-memo'
import { createBedrockAgent } from './bedrock-agent.ts'
import { type GatewayError } from '../errors/gateway-error.ts'
import { mantleError } from '../errors/mantle-errors.ts'
import { discardBody } from './discard-body.ts'
import { mantlePrefixFor } from './mantle-prefix.ts'
import type { RequestSigner } from '@strata/aws-signing'
import {
  headerValue,
  mediaTypeOf,
  parseJson,
  readJson,
  readLimited,
  signedPost,
} from './signed-exchange.ts'
import { listenableBody } from './listenable-body.ts'
import { invalidResponse } from '../errors/catalogue.ts'

export interface MantleClientConfig {
  signer: RequestSigner
  /** Overrides `https://bedrock-mantle.{region}.api.aws` for every region (emulators, proxies). */
  endpoint?: string
  /** Defaults to a keep-alive undici Agent owned (and closed) by the client. */
  dispatcher?: Dispatcher
  /** Time to the response headers; a stream's headers come once the model starts. Default 5 min. */
  headersTimeoutMs?: number
  /** Longest silence between body bytes. Default 5 min. */
  bodyTimeoutMs?: number
}

export interface MantleCall {
  /** The bare Mantle model id; it picks the path prefix. The body already names it. */
  modelId: string
  region: string
  /** Sent as `OpenAI-Project` unless absent or `default`. */
  projectId?: string | undefined
  /** The Chat Completions or Responses request body as it goes upstream. */
  body: Record<string, unknown>
  /** Cancels the upstream request, including a stream already being read. */
  signal: AbortSignal
}

export interface MantleClient {
  /** The JSON answer, unvalidated: the translator checks what it relies on. */
  chatCompletion(call: MantleCall): Promise<unknown>
  /** Resolves once Mantle answered 200 with an SSE stream; the bytes are the raw stream. */
  chatCompletionStream(call: MantleCall): Promise<AsyncIterable<Uint8Array>>
  /** The Responses API (`POST …/responses`), JSON answer unvalidated. */
  responses(call: MantleCall): Promise<unknown>
  /** The Responses API as an SSE stream; the bytes are the raw stream. */
  responsesStream(call: MantleCall): Promise<AsyncIterable<Uint8Array>>
  /** The Embeddings API (`POST …/embeddings`), JSON answer unvalidated. */
  embeddings(call: MantleCall): Promise<unknown>
  close(): Promise<void>
}

type Operation = 'chat/completions' | 'responses' | 'embeddings'

function operationUrl(endpoint: URL, modelId: string, operation: Operation): URL {
  const base = endpoint.pathname.replace(/\/+$/, '')
  return new URL(`${base}${mantlePrefixFor(modelId)}/${operation}`, endpoint)
}

/** requestHeaders are the headers signed and sent, attribution included. */
export function requestHeaders(
  projectId: string | undefined,
  accept: 'application/json' | 'text/event-stream',
): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept }
  if (projectId !== undefined && projectId !== 'default') headers['openai-project'] = projectId
  return headers
}

async function errorFromResponse(response: Dispatcher.ResponseData): Promise<GatewayError> {
  return mantleError({
    status: response.statusCode,
    body: parseJson(await readLimited(response.body)),
    retryAfter: headerValue(response.headers, 'retry-after'),
  })
}

/** createMantleClient builds a client; it reads no environment (see mantle-client-config.ts). */
export function createMantleClient(config: MantleClientConfig): MantleClient {
  const ownsDispatcher = config.dispatcher === undefined
  const dispatcher = config.dispatcher ?? createBedrockAgent()
  // Parsing the endpoint and the operation URL on every request showed in the profile.
  const urls = boundedMemo<URL>(1024)

  function send(
    call: MantleCall,
    accept: 'application/json' | 'text/event-stream',
    operation: Operation = 'chat/completions',
  ): Promise<Dispatcher.ResponseData> {
    return signedPost(
      {
        dispatcher,
        signer: config.signer,
        url: urls(`${call.region} ${operation} ${call.modelId}`, () =>
          operationUrl(
            new URL(config.endpoint ?? `https://bedrock-mantle.${call.region}.api.aws`),
            call.modelId,
            operation,
          ),
        ),
        headers: requestHeaders(call.projectId, accept),
        body: JSON.stringify(call.body),
        region: call.region,
        signal: call.signal,
        headersTimeoutMs: config.headersTimeoutMs,
        bodyTimeoutMs: config.bodyTimeoutMs,
      },
      errorFromResponse,
    )
  }

  async function openStream(
    call: MantleCall,
    operation: Operation,
  ): Promise<AsyncIterable<Uint8Array>> {
    const response = await send(call, 'text/event-stream', operation)
    const contentType = headerValue(response.headers, 'content-type') ?? ''
    if (mediaTypeOf(contentType) !== 'text/event-stream') {
      discardBody(response.body)
      throw invalidResponse(`The model provider answered a stream request with '${contentType}'.`)
    }
    return listenableBody(response, call.signal)
  }

  return {
    async chatCompletion(call) {
      return readJson(await send(call, 'application/json'), call.signal)
    },
    chatCompletionStream: (call) => openStream(call, 'chat/completions'),
    async responses(call) {
      return readJson(await send(call, 'application/json', 'responses'), call.signal)
    },
    responsesStream: (call) => openStream(call, 'responses'),
    async embeddings(call) {
      return readJson(await send(call, 'application/json', 'embeddings'), call.signal)
    },
    async close() {
      if (ownsDispatcher) await dispatcher.close()
    },
  }
}
