// A lean Bedrock Runtime InvokeModel client for the embedding models: the same endpoint, signing
// (service `bedrock`), URL encoding and error map as Converse, with model-native JSON bodies.
// References: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_InvokeModel.html
// and docs/reference/bedrock-runtime.md (the `x-amzn-bedrock-input-token-count` header; errors).
import { runtimeClient, runtimeUrls, type ConverseClientConfig } from './converse-client.ts'
import { headerValue, readJson } from './signed-exchange.ts'

export interface InvokeCall {
  modelId: string
  region: string
  /** The model-native request body. */
  body: Record<string, unknown>
  signal: AbortSignal
}

export interface InvokeResult {
  /** The model-native JSON answer, unvalidated: the family translator checks it. */
  body: unknown
  /** Bedrock's count of input tokens, when it sent one. */
  inputTokens: number | undefined
}

export interface InvokeClient {
  invoke(call: InvokeCall): Promise<InvokeResult>
  close(): Promise<void>
}

function tokenCount(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined
  return Number(value)
}

/** createInvokeClient builds a client from the Converse client's config (same endpoint and auth). */
export function createInvokeClient(config: ConverseClientConfig): InvokeClient {
  const client = runtimeClient(config)
  const urlOf = runtimeUrls(config)
  return {
    async invoke(call) {
      const response = await client.post({
        url: urlOf(call.region, call.modelId, 'invoke'),
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: call.body,
        region: call.region,
        signal: call.signal,
      })
      const inputTokens = tokenCount(
        headerValue(response.headers, 'x-amzn-bedrock-input-token-count'),
      )
      return { body: await readJson(response, call.signal), inputTokens }
    },
    close: () => client.close(),
  }
}
