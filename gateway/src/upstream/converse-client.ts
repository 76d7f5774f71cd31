// A lean Bedrock Runtime client for Converse and ConverseStream: undici with keep-alive pools,
// SigV4 or bearer auth, no AWS SDK client on the hot path.
// References: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html,
// .../API_runtime_ConverseStream.html and shared/reference/bedrock-api.md §3.1–§3.2 (paths; the
// modelId label is percent-encoded like the SDK does, `:` → %3A, `/` → %2F), §5 (errors), §7.
import { Agent, type Dispatcher } from 'undici'
import { bedrockError } from '../errors/bedrock-errors.ts'
import { GatewayError } from '../errors/gateway-error.ts'
import {
  converseResponseSchema,
  type ConverseRequest,
  type ConverseResponse,
} from './converse-shapes.ts'
import { discardBody } from './discard-body.ts'
import type { RequestSigner } from './request-signer.ts'
import { upstreamFailure } from './upstream-failure.ts'

export interface ConverseClientConfig {
  signer: RequestSigner
  /** Overrides `https://bedrock-runtime.{region}.amazonaws.com` for every region (emulators, VPC endpoints). */
  endpoint?: string
  /** Defaults to a keep-alive undici Agent owned (and closed) by the client. */
  dispatcher?: Dispatcher
  /** Time to the response headers; ConverseStream sends headers only once the model starts. */
  headersTimeoutMs?: number
  /** Longest silence between body bytes. */
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

// Error bodies are small JSON; a large one is not worth buffering.
const maximumErrorBodyBytes = 64 * 1024

function endpointFor(config: ConverseClientConfig, region: string): URL {
  return new URL(config.endpoint ?? `https://bedrock-runtime.${region}.amazonaws.com`)
}

/** operationUrl builds the request URL; exported for tests of the encoding rule. */
export function operationUrl(
  endpoint: URL,
  modelId: string,
  operation: 'converse' | 'converse-stream',
): URL {
  const base = endpoint.pathname.replace(/\/+$/, '')
  return new URL(`${base}/model/${encodeURIComponent(modelId)}/${operation}`, endpoint)
}

function headerValue(
  headers: Dispatcher.ResponseData['headers'],
  name: string,
): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value[0] : value
}

async function readLimited(body: Dispatcher.ResponseData['body'], limit: number): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body as AsyncIterable<Buffer>) {
    chunks.push(chunk)
    size += chunk.length
    if (size >= limit) {
      discardBody(body)
      break
    }
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8')
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

function stringField(value: unknown, ...names: string[]): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  for (const name of names) {
    const field = (value as Record<string, unknown>)[name]
    if (typeof field === 'string') return field
  }
  return undefined
}

async function errorFromResponse(response: Dispatcher.ResponseData): Promise<GatewayError> {
  const body = parseJson(await readLimited(response.body, maximumErrorBodyBytes))
  const name =
    headerValue(response.headers, 'x-amzn-errortype') ?? stringField(body, 'code', '__type')
  return bedrockError({
    name,
    message: stringField(body, 'message', 'Message'),
    status: response.statusCode,
  })
}

function invalidResponse(message: string, cause?: unknown): GatewayError {
  return new GatewayError(502, 'api_error', message, { code: 'upstream_invalid_response', cause })
}

/** createConverseClient builds a client; it reads no environment (see converse-client-config.ts). */
export function createConverseClient(config: ConverseClientConfig): ConverseClient {
  const ownsDispatcher = config.dispatcher === undefined
  const dispatcher = config.dispatcher ?? new Agent({ keepAliveTimeout: 30_000, connections: 128 })

  async function send(
    call: ConverseCall,
    operation: 'converse' | 'converse-stream',
  ): Promise<Dispatcher.ResponseData> {
    const url = operationUrl(endpointFor(config, call.region), call.modelId, operation)
    const body = JSON.stringify(call.body)
    const baseHeaders: Record<string, string> = { 'content-type': 'application/json' }
    if (operation === 'converse') baseHeaders.accept = 'application/json'
    try {
      const headers = await config.signer.sign({
        method: 'POST',
        url,
        headers: baseHeaders,
        body,
        region: call.region,
      })
      const response = await dispatcher.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        headers,
        body,
        signal: call.signal,
        headersTimeout: config.headersTimeoutMs ?? 300_000,
        bodyTimeout: config.bodyTimeoutMs ?? 300_000,
      })
      if (response.statusCode >= 200 && response.statusCode < 300) return response
      throw await errorFromResponse(response)
    } catch (error) {
      throw upstreamFailure(error, call.signal)
    }
  }

  async function* streamBody(
    response: Dispatcher.ResponseData,
    signal: AbortSignal,
  ): AsyncGenerator<Uint8Array> {
    try {
      for await (const chunk of response.body as AsyncIterable<Buffer>) yield chunk
    } catch (error) {
      throw upstreamFailure(error, signal)
    } finally {
      // Reached early when the consumer stops: free the socket instead of draining a long answer.
      discardBody(response.body)
    }
  }

  return {
    async converse(call) {
      const response = await send(call, 'converse')
      let json: unknown
      try {
        json = await response.body.json()
      } catch (error) {
        throw error instanceof SyntaxError
          ? invalidResponse('The model provider sent an unreadable response.', error)
          : upstreamFailure(error, call.signal)
      }
      const parsed = converseResponseSchema.safeParse(json)
      if (!parsed.success)
        throw invalidResponse('The model provider sent an invalid response.', parsed.error)
      return parsed.data
    },
    async converseStream(call) {
      const response = await send(call, 'converse-stream')
      const contentType = headerValue(response.headers, 'content-type') ?? ''
      if (!contentType.startsWith('application/vnd.amazon.eventstream')) {
        discardBody(response.body)
        throw invalidResponse(`The model provider answered a stream request with '${contentType}'.`)
      }
      return streamBody(response, call.signal)
    },
    async close() {
      if (ownsDispatcher) await dispatcher.close()
    },
  }
}
