// A lean client for Bedrock Mantle's OpenAI-compatible Chat Completions and Responses: undici with keep-alive
// pools, SigV4 (service `bedrock-mantle`) or a Bedrock API key, `OpenAI-Project` attribution.
// References: docs/reference/mantle.md (host, prefixes, auth, `OpenAI-Project`: without it Mantle
// bills the account's `default` project, SSE, errors)
// and https://platform.openai.com/docs/api-reference/chat/create, …/responses/create,
// …/embeddings/create.
import type { Dispatcher } from 'undici'
import { boundedMemo } from '@strata/aws-signing/bounded-memo'
import { type GatewayError } from '../errors/gateway-error.ts'
import { mantleError } from '../errors/mantle-errors.ts'
import { mantlePrefixFor } from './mantle-prefix.ts'
import type { RequestSigner } from '@strata/aws-signing'
import { headerValue, parseJson, readLimited } from './signed-exchange.ts'
import { createSignedClient, type SignedRequest } from './signed-client.ts'

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
  const client = createSignedClient(config, { toError: errorFromResponse })
  // Parsing the endpoint and the operation URL on every request showed in the profile.
  const urls = boundedMemo<URL>(1024)

  const request = (
    call: MantleCall,
    operation: Operation,
    accept: 'application/json' | 'text/event-stream',
  ): SignedRequest => ({
    url: urls(`${call.region} ${operation} ${call.modelId}`, () =>
      operationUrl(
        new URL(config.endpoint ?? `https://bedrock-mantle.${call.region}.api.aws`),
        call.modelId,
        operation,
      ),
    ),
    headers: requestHeaders(call.projectId, accept),
    body: call.body,
    region: call.region,
    signal: call.signal,
  })
  const json = (call: MantleCall, operation: Operation) =>
    client.json(request(call, operation, 'application/json'))
  const stream = (call: MantleCall, operation: Operation) =>
    client.stream(request(call, operation, 'text/event-stream'), 'text/event-stream')

  return {
    chatCompletion: (call) => json(call, 'chat/completions'),
    chatCompletionStream: (call) => stream(call, 'chat/completions'),
    responses: (call) => json(call, 'responses'),
    responsesStream: (call) => stream(call, 'responses'),
    embeddings: (call) => json(call, 'embeddings'),
    close: () => client.close(),
  }
}
