// The HTTP exchange every lean Bedrock client shares (Converse, Mantle): sign, send over a pooled
// undici dispatcher with the caller's abort signal, read small error bodies, and relay a streamed
// body while mapping network failures. Each client keeps only its own wire format and error map.
// References: undici Dispatcher.request (https://undici.nodejs.org/#/docs/api/Dispatcher) and
// upstream-failure.ts for how failures look to the client.
import type { Dispatcher } from 'undici'
import { type GatewayError } from '../errors/gateway-error.ts'
import { discardBody } from './discard-body.ts'
import type { RequestSigner } from '@strata/aws-signing'
import { upstreamFailure } from './upstream-failure.ts'
import { invalidResponse } from '../errors/catalogue.ts'

// Error bodies are small JSON; a large one is not worth buffering.
export const maximumErrorBodyBytes = 64 * 1024

export interface SignedPost {
  dispatcher: Dispatcher
  signer: RequestSigner
  url: URL
  /** Lower-case names; signed along with the body. */
  headers: Record<string, string>
  body: string
  region: string
  signal: AbortSignal
  /** Until the response head; a model may think for minutes before it answers. Default 5 min. */
  headersTimeoutMs?: number | undefined
  /** Between two reads of the body; a stream may stay quiet as long. Default 5 min. */
  bodyTimeoutMs?: number | undefined
}

const DEFAULT_TIMEOUT_MS = 300_000

/**
 * signedPost sends one signed POST. A 2xx response is returned for the caller to read; any other
 * status goes to `toError`, whose GatewayError is thrown. Network failures, timeouts and aborts
 * become GatewayErrors through upstreamFailure.
 */
export async function signedPost(
  post: SignedPost,
  toError: (response: Dispatcher.ResponseData) => Promise<GatewayError>,
): Promise<Dispatcher.ResponseData> {
  const { url, signal } = post
  try {
    const headers = await post.signer.sign({
      method: 'POST',
      url,
      headers: post.headers,
      body: post.body,
      region: post.region,
    })
    const response = await post.dispatcher.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      headers,
      body: post.body,
      signal,
      headersTimeout: post.headersTimeoutMs ?? DEFAULT_TIMEOUT_MS,
      bodyTimeout: post.bodyTimeoutMs ?? DEFAULT_TIMEOUT_MS,
    })
    if (response.statusCode >= 200 && response.statusCode < 300) return response
    throw await toError(response)
  } catch (error) {
    throw upstreamFailure(error, signal)
  }
}

export function headerValue(
  headers: Dispatcher.ResponseData['headers'],
  name: string,
): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value[0] : value
}

/**
 * mediaTypeOf is a Content-Type's `type/subtype`, lower-cased, without parameters: media types
 * compare without case (RFC 9110 §8.3.1), and Bedrock may add a parameter.
 */
export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? ''
}

/** readLimited reads at most `limit` bytes of a body as text and frees the rest. */
export async function readLimited(
  body: Dispatcher.ResponseData['body'],
  limit = maximumErrorBodyBytes,
): Promise<string> {
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

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

/** stringField is the first of `names` that holds a string in a JSON object, if any. */
export function stringField(value: unknown, ...names: string[]): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  for (const name of names) {
    const field = (value as Record<string, unknown>)[name]
    if (typeof field === 'string') return field
  }
  return undefined
}

/** readJson reads a successful JSON body; unreadable JSON is the provider's fault, a 502. */
export async function readJson(
  response: Dispatcher.ResponseData,
  signal: AbortSignal,
): Promise<unknown> {
  try {
    return await response.body.json()
  } catch (error) {
    throw error instanceof SyntaxError
      ? invalidResponse('The model provider sent an unreadable response.', error)
      : upstreamFailure(error, signal)
  }
}

/**
 * streamBody relays a streamed body chunk by chunk. Stopping early (the consumer returned, or the
 * client went away) frees the socket instead of draining a long answer.
 */
export async function* streamBody(
  response: Dispatcher.ResponseData,
  signal: AbortSignal,
): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of response.body as AsyncIterable<Buffer>) yield chunk
  } catch (error) {
    throw upstreamFailure(error, signal)
  } finally {
    discardBody(response.body)
  }
}
