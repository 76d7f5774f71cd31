// A lean Bedrock Runtime client for Claude's model-native operations on the hot path:
// InvokeModel (one JSON Message) and InvokeModelWithResponseStream (an event stream of `chunk`s).
// Same endpoint, signing, URL encoding, timeouts and error map as the Converse client.
// References: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_InvokeModel.html
// and .../API_runtime_InvokeModelWithResponseStream.html (the stream asks with
// `X-Amzn-Bedrock-Accept`, not `Accept`).
import {
  eventStreamMediaType,
  runtimeClient,
  runtimeUrls,
  type ConverseClientConfig,
} from './converse-client.ts'

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

export function createClaudeInvokeClient(config: ConverseClientConfig): ClaudeInvokeClient {
  const client = runtimeClient(config)
  const urlOf = runtimeUrls(config)

  const request = (call: ClaudeInvokeCall, operation: Operation) => ({
    url: urlOf(call.region, call.modelId, operation),
    headers:
      operation === 'invoke'
        ? { 'content-type': 'application/json', accept: 'application/json' }
        : { 'content-type': 'application/json', 'x-amzn-bedrock-accept': 'application/json' },
    body: call.body,
    region: call.region,
    signal: call.signal,
  })

  return {
    invoke: (call) => client.json(request(call, 'invoke')),
    invokeStream: (call) =>
      client.stream(request(call, 'invoke-with-response-stream'), eventStreamMediaType),
    close: () => client.close(),
  }
}
