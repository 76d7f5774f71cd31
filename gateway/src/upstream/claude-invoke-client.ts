// A lean Bedrock Runtime client for Claude's model-native operations on the hot path:
// InvokeModel (one JSON Message) and InvokeModelWithResponseStream (an event stream of `chunk`s).
// Same endpoint, signing, URL encoding, timeouts and error map as the Converse client.
// References: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_InvokeModel.html
// and .../API_runtime_InvokeModelWithResponseStream.html (the stream asks with
// `X-Amzn-Bedrock-Accept`, not `Accept`).
import type { Dispatcher } from 'undici'
import { invalidResponse } from '../errors/catalogue.ts'
import { createBedrockAgent } from './bedrock-agent.ts'
import { errorFromResponse, type ConverseClientConfig } from './converse-client.ts'
import { discardBody } from './discard-body.ts'
import { headerValue, mediaTypeOf, readJson, signedPost } from './signed-exchange.ts'
import { listenableBody } from './listenable-body.ts'

export interface ClaudeInvokeCall {
  modelId: string
  region: string
  /** Bedrock's Anthropic body (`anthropic_version: bedrock-2023-05-31`). */
  body: Record<string, unknown>
  signal: AbortSignal
}

export interface ClaudeInvokeClient {
  /** The Message as Bedrock sent it, unvalidated: the backend checks it. */
  invoke(call: ClaudeInvokeCall): Promise<unknown>
  /** Resolves once Bedrock answered 200; the bytes are the raw event stream. */
  invokeStream(call: ClaudeInvokeCall): Promise<AsyncIterable<Uint8Array>>
  close(): Promise<void>
}

type Operation = 'invoke' | 'invoke-with-response-stream'

// The model id is one percent-encoded path label, as the SDK sends it (`:` → %3A, `/` → %2F).
function urlOf(
  config: ConverseClientConfig,
  region: string,
  modelId: string,
  operation: Operation,
): URL {
  const endpoint = new URL(config.endpoint ?? `https://bedrock-runtime.${region}.amazonaws.com`)
  const base = endpoint.pathname.replace(/\/+$/, '')
  return new URL(`${base}/model/${encodeURIComponent(modelId)}/${operation}`, endpoint)
}

export function createClaudeInvokeClient(config: ConverseClientConfig): ClaudeInvokeClient {
  const ownsDispatcher = config.dispatcher === undefined
  const dispatcher: Dispatcher = config.dispatcher ?? createBedrockAgent()

  function send(call: ClaudeInvokeCall, operation: Operation): Promise<Dispatcher.ResponseData> {
    const headers: Record<string, string> =
      operation === 'invoke'
        ? { 'content-type': 'application/json', accept: 'application/json' }
        : { 'content-type': 'application/json', 'x-amzn-bedrock-accept': 'application/json' }
    return signedPost(
      {
        dispatcher,
        signer: config.signer,
        url: urlOf(config, call.region, call.modelId, operation),
        headers,
        body: JSON.stringify(call.body),
        region: call.region,
        signal: call.signal,
        headersTimeoutMs: config.headersTimeoutMs,
        bodyTimeoutMs: config.bodyTimeoutMs,
      },
      errorFromResponse,
    )
  }

  return {
    async invoke(call) {
      return readJson(await send(call, 'invoke'), call.signal)
    },
    async invokeStream(call) {
      const response = await send(call, 'invoke-with-response-stream')
      const contentType = headerValue(response.headers, 'content-type') ?? ''
      if (mediaTypeOf(contentType) !== 'application/vnd.amazon.eventstream') {
        discardBody(response.body)
        throw invalidResponse(`The model provider answered a stream request with '${contentType}'.`)
      }
      return listenableBody(response, call.signal)
    },
    async close() {
      if (ownsDispatcher) await dispatcher.close()
    },
  }
}
