// A second, plain Bedrock Runtime stand-in, written from the public AWS contracts only and never
// from test/emulator/ (which it must not import): the journeys in
// test/journeys/second-standin*.test.ts run the real gateway against it, so that nothing the
// gateway does only because our emulator behaves one way goes unnoticed. plain-bedrock.test.ts
// checks the stand-in itself with the official AWS SDK.
//
// It is strict where AWS is strict and says so with AWS's own error shape
// (`x-amzn-ErrorType: <Name>:http://internal.amazon.com/coral/com.amazon.bedrock/`, body
// `{"message": ...}`):
// - every request is SigV4-signed for service `bedrock` and verified (plain-sigv4.ts), with the
//   session token of temporary credentials when the key has one, or carries the configured
//   Bedrock API key as a bearer token; otherwise 403;
// - `POST /model/{modelId}/{operation}` with the model id percent-decoded from one path segment,
//   a model id or an inference-profile ARN (`arn%3Aaws%3Abedrock%3A…%2Fabc`), else 404
//   UnknownOperationException; an unknown model is a 400 ValidationException;
// - `Content-Type: application/json` and a JSON body, else 400 ValidationException;
// - Converse / ConverseStream (API reference "Converse"): the documented members, unions with one
//   member, tool names and ids by their patterns, alternating roles from a user turn, no blank
//   text (plain-converse-checks.ts);
// - InvokeModel / InvokeModelWithResponseStream for Claude (user guide "Anthropic Claude Messages
//   API"): `anthropic_version: bedrock-2023-05-31`, `max_tokens`, `messages`, and no key outside
//   the documented body ("extraneous key [...] is not permitted", as Bedrock words it);
// - InvokeModel for Titan Text Embeddings V2 and Cohere Embed (user guide, model parameters);
// - CountTokens (API reference "CountTokens"): `input.invokeModel.body` as base64 JSON
//   (the InvokeModel and CountTokens checks are plain-invoke-checks.ts);
// - ApplyGuardrail (API reference "ApplyGuardrail"), answered by the guardrails the stand-in is
//   given rather than by script: plain-guardrail.ts; each call and its verdict is kept in
//   `guardrailCalls`; Converse's `guardrailConfig` must name one of those guardrails.
// Answers carry only what AWS sends: `x-amzn-RequestId` (a UUID), the content type, and for
// InvokeModel the `X-Amzn-Bedrock-*` headers a reply sets. Streams (and JSON replies marked
// `chunked`) are sent with `Transfer-Encoding: chunked` in slices that cut frames at odd byte
// offsets, with several frames in some writes.
//
// What each call answers is scripted by the test (plain-bedrock-replies.ts builds AWS-shaped
// answers); what it received, decoded, is kept in `requests`; any request it had to refuse, or
// had no answer for, is kept in `refusals` so that a test can assert there were none.
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { AwsError, isObject, validation } from './plain-aws-error.ts'
import { checkConverseBody } from './plain-converse-checks.ts'
import {
  assess,
  checkApplyGuardrailBody,
  checkGuardrailConfig,
  guardrailOf,
  guardrailPath,
  type GuardrailCall,
  type PlainGuardrail,
} from './plain-guardrail.ts'
import { checkCountTokens, checkInvoke, familyOf } from './plain-invoke-checks.ts'
import { verifySigV4, type SigningKey } from './plain-sigv4.ts'
import { listenOnLoopback, readBody, writeSliced } from './plain-wire.ts'

export type PlainOperation =
  'converse' | 'converse-stream' | 'invoke' | 'invoke-with-response-stream' | 'count-tokens'

export interface PlainRequest {
  operation: PlainOperation
  /** The model id or ARN, decoded from the path. */
  modelId: string
  /** The path as it came on the wire. */
  rawPath: string
  headers: Readonly<Record<string, string | string[] | undefined>>
  body: Record<string, unknown>
}

export interface JsonReply {
  kind: 'json'
  body: unknown
  headers?: Record<string, string>
  /** Sent chunked in slices rather than with a Content-Length. */
  chunked?: boolean
}

export type PlainReply =
  | JsonReply
  | { kind: 'stream'; messages: Buffer[]; headers?: Record<string, string> }
  | { kind: 'error'; status: number; type: string; message: string }

export interface PlainRefusal {
  path: string
  status: number
  type: string
  message: string
}

export interface PlainBedrock {
  url: string
  key: SigningKey
  requests: PlainRequest[]
  /** The ApplyGuardrail calls, with the verdict each got. */
  guardrailCalls: GuardrailCall[]
  refusals: PlainRefusal[]
  /** Queues the answers to the next calls, in order. */
  reply(...replies: PlainReply[]): void
  reset(): void
  close(): Promise<void>
}

const errorNamespace = 'http://internal.amazon.com/coral/com.amazon.bedrock/'
const operationPath =
  /^\/model\/([^/]+)\/(converse|converse-stream|invoke|invoke-with-response-stream|count-tokens)$/

/** The JSON object a request carries as `application/json`, or AWS's ValidationException. */
function jsonBody(request: IncomingMessage, body: Buffer): Record<string, unknown> {
  const mediaType = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase()
  if (mediaType !== 'application/json')
    throw validation('The request content type must be application/json.')
  let parsed: unknown
  try {
    parsed = JSON.parse(body.toString('utf8'))
  } catch {
    throw validation('Malformed input request, please reformat your input and try again.')
  }
  if (!isObject(parsed)) throw validation('The request body must be a JSON object.')
  return parsed
}

function sendError(response: ServerResponse, error: AwsError): void {
  const body = JSON.stringify({ message: error.message })
  response.writeHead(error.status, {
    'x-amzn-RequestId': randomUUID(),
    'x-amzn-ErrorType': `${error.type}:${errorNamespace}`,
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
  })
  response.end(body)
}

// Cut points for stream writes: odd sizes that split prelude, headers, payload and CRC, with a
// large one now and then that carries several frames in one write.
const sliceSizes = [1, 7, 3, 250, 13, 2, 4096, 5, 61]

async function sendReply(response: ServerResponse, reply: PlainReply): Promise<void> {
  const requestId = randomUUID()
  if (reply.kind === 'error') {
    sendError(response, new AwsError(reply.status, reply.type, reply.message))
    return
  }
  if (reply.kind === 'json') {
    const body = Buffer.from(JSON.stringify(reply.body), 'utf8')
    response.writeHead(200, {
      'x-amzn-RequestId': requestId,
      'Content-Type': 'application/json',
      ...(reply.chunked === true ? {} : { 'Content-Length': body.length }),
      ...reply.headers,
    })
    if (reply.chunked === true) await writeSliced(response, body, sliceSizes)
    else response.end(body)
    return
  }
  response.writeHead(200, {
    'x-amzn-RequestId': requestId,
    'Content-Type': 'application/vnd.amazon.eventstream',
    'Transfer-Encoding': 'chunked',
    ...reply.headers,
  })
  await writeSliced(response, Buffer.concat(reply.messages), sliceSizes)
}

export interface PlainBedrockOptions {
  key: SigningKey
  /** Application inference profile ARN → the foundation model it serves. */
  profiles?: ReadonlyMap<string, string>
  /** The guardrails ApplyGuardrail knows (plain-guardrail.ts). */
  guardrails?: readonly PlainGuardrail[]
}

export async function startPlainBedrock(options: PlainBedrockOptions): Promise<PlainBedrock> {
  const profiles = options.profiles ?? new Map<string, string>()
  const guardrails = options.guardrails ?? []
  const guardrailCalls: GuardrailCall[] = []
  const requests: PlainRequest[] = []
  const refusals: PlainRefusal[] = []
  const queue: PlainReply[] = []

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const rawPath = request.url ?? '/'
    const body = await readBody(request)
    const failure = await verifySigV4(
      { method: request.method ?? 'GET', rawPath, headers: request.headers, body },
      options.key,
    )
    if (failure !== undefined) throw new AwsError(403, failure.type, failure.message)
    const guardrailMatch = guardrailPath.exec(rawPath)
    if (request.method === 'POST' && guardrailMatch?.[1] !== undefined && guardrailMatch[2]) {
      const { guardrail, version } = guardrailOf(guardrailMatch[1], guardrailMatch[2], guardrails)
      const { source, texts } = checkApplyGuardrailBody(jsonBody(request, body))
      const { answer, call } = assess(guardrail, version, source, texts)
      guardrailCalls.push(call)
      await sendReply(response, { kind: 'json', body: answer })
      return
    }
    const match = operationPath.exec(rawPath)
    if (request.method !== 'POST' || match?.[1] === undefined || match[2] === undefined)
      throw new AwsError(404, 'UnknownOperationException', 'Unknown operation.')
    const modelId = decodeURIComponent(match[1])
    const operation = match[2] as PlainOperation
    const family = familyOf(modelId, profiles)
    const parsed = jsonBody(request, body)
    if (operation === 'converse' || operation === 'converse-stream') {
      if (family === 'titan-embed' || family === 'cohere-embed')
        throw validation('This model doesn\u2019t support the Converse API.')
      try {
        checkConverseBody(parsed)
      } catch (error) {
        throw validation(error instanceof Error ? error.message : String(error))
      }
      checkGuardrailConfig(parsed['guardrailConfig'], operation === 'converse-stream', guardrails)
    } else if (operation === 'count-tokens') checkCountTokens(family, parsed)
    else checkInvoke(family, parsed, operation === 'invoke-with-response-stream')
    requests.push({ operation, modelId, rawPath, headers: request.headers, body: parsed })
    const reply = queue.shift()
    if (reply === undefined)
      throw new AwsError(500, 'InternalServerException', `No reply scripted for ${operation}.`)
    await sendReply(response, reply)
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      const awsError =
        error instanceof AwsError
          ? error
          : new AwsError(500, 'InternalServerException', String(error))
      refusals.push({
        path: request.url ?? '',
        status: awsError.status,
        type: awsError.type,
        message: awsError.message,
      })
      if (response.headersSent) response.destroy()
      else sendError(response, awsError)
    })
  })
  const { url, close } = await listenOnLoopback(server)
  return {
    url,
    key: options.key,
    requests,
    guardrailCalls,
    refusals,
    reply: (...replies) => queue.push(...replies),
    reset() {
      requests.length = 0
      guardrailCalls.length = 0
      refusals.length = 0
      queue.length = 0
    },
    close,
  }
}
