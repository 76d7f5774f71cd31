// A plain Bedrock Mantle stand-in (the `bedrock-mantle` endpoint's OpenAI-compatible API), the
// second half of the second Bedrock stand-in beside plain-bedrock.ts, written from the public
// contracts only and never from test/emulator/: the Bedrock user guide's Mantle pages (host,
// `/v1` and `/openai/v1` prefixes, Bedrock API keys or AWS credentials, `OpenAI-Project`) and
// OpenAI's API reference for everything Mantle answers. plain-mantle.test.ts checks it with the
// `openai` client and SigV4-signed fetches.
//
// It is strict where the service is, and refuses in OpenAI's shape
// (`{"error": {message, type, param, code}}`):
// - a request carries the configured Bedrock API key as `Authorization: Bearer`, or is SigV4-signed
//   for service `bedrock-mantle` in its region (plain-sigv4.ts); otherwise 401 `invalid_api_key`;
// - `POST {prefix}/chat/completions`, `{prefix}/responses`, `{prefix}/embeddings` and
//   `GET /v1/models`, else 404 "Invalid URL"; a model the account does not have is a 404
//   `model_not_found`; a model on the other prefix is a 400 "isn't supported on this route"; a
//   model that does not serve the operation is a 400;
// - `Content-Type: application/json` and a JSON object, else 400; the body as OpenAI checks it
//   (plain-mantle-checks.ts); `OpenAI-Project`, when sent, `default` or `proj_` + alphanumerics.
// Answers are scripted by the test (plain-mantle-replies.ts builds OpenAI-shaped ones, some
// reading the request to stream or not); JSON goes with a Content-Length, SSE as `text/event-stream`
// chunked in slices that cut events, lines and UTF-8 characters at odd byte offsets.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { isObject } from './plain-aws-error.ts'
import {
  checkChatBody,
  checkEmbeddingsBody,
  checkResponsesBody,
  invalid,
  OpenAIError,
} from './plain-mantle-checks.ts'
import { verifySigV4, type SigningKey } from './plain-sigv4.ts'
import { listenOnLoopback, readBody, writeSliced } from './plain-wire.ts'

export type MantleOperation = 'chat' | 'responses' | 'embeddings'
export type MantlePrefix = '/v1' | '/openai/v1'

export interface MantleModel {
  prefix: MantlePrefix
  operations: readonly MantleOperation[]
}

export interface MantleRequest {
  operation: MantleOperation
  prefix: MantlePrefix
  model: string
  /** The `OpenAI-Project` header, when sent. */
  project: string | undefined
  headers: Readonly<Record<string, string | string[] | undefined>>
  body: Record<string, unknown>
}

export interface OpenAIErrorBody {
  message: string
  type: string
  param: string | null
  code: string | null
}

export type MantleReply =
  | { kind: 'json'; body: unknown; headers?: Record<string, string> }
  | { kind: 'sse'; text: string; headers?: Record<string, string> }
  | { kind: 'error'; status: number; error: OpenAIErrorBody; headers?: Record<string, string> }

/** A reply, or a function of the request that makes one (to stream when asked, say). */
export type MantleScript = MantleReply | ((request: MantleRequest) => MantleReply)

export interface MantleRefusal {
  path: string
  status: number
  error: OpenAIErrorBody
}

export interface PlainMantle {
  url: string
  requests: MantleRequest[]
  refusals: MantleRefusal[]
  /** Queues the answers to the next calls, in order. */
  reply(...scripts: MantleScript[]): void
  reset(): void
  close(): Promise<void>
}

export interface PlainMantleOptions {
  /** SigV4 credentials (service `bedrock-mantle`) and, as `bearerToken`, the Bedrock API key. */
  key: SigningKey
  models: ReadonlyMap<string, MantleModel>
}

const operationPath = /^(\/v1|\/openai\/v1)\/(chat\/completions|responses|embeddings)$/
const operationOf: Readonly<Record<string, MantleOperation>> = {
  'chat/completions': 'chat',
  responses: 'responses',
  embeddings: 'embeddings',
}
const projectPattern = /^(default|proj_[a-z0-9]+)$/

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const bytes = Buffer.from(JSON.stringify(body), 'utf8')
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': bytes.length,
    'x-request-id': `req_${Math.random().toString(36).slice(2, 14)}`,
    ...headers,
  })
  response.end(bytes)
}

// Odd cut points: through `data:`, through a JSON string, through the blank line between events
// and through a multi-byte character, with now and then several events in one write.
const sliceSizes = [1, 6, 3, 190, 11, 2, 2048, 5, 47]

async function send(response: ServerResponse, reply: MantleReply): Promise<void> {
  if (reply.kind === 'json') {
    sendJson(response, 200, reply.body, reply.headers)
    return
  }
  if (reply.kind === 'error') {
    sendJson(response, reply.status, { error: reply.error }, reply.headers)
    return
  }
  response.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache',
    'Transfer-Encoding': 'chunked',
    'x-request-id': `req_${Math.random().toString(36).slice(2, 14)}`,
    ...reply.headers,
  })
  await writeSliced(response, Buffer.from(reply.text, 'utf8'), sliceSizes)
}

function jsonObject(request: IncomingMessage, body: Buffer): Record<string, unknown> {
  const mediaType = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase()
  if (mediaType !== 'application/json')
    throw invalid('Invalid Content-Type header, expected application/json.')
  let parsed: unknown
  try {
    parsed = JSON.parse(body.toString('utf8'))
  } catch {
    throw invalid(
      'We could not parse the JSON body of your request. The API expects a JSON payload.',
    )
  }
  if (!isObject(parsed)) throw invalid('The request body must be a JSON object.')
  return parsed
}

const checks: Readonly<Record<MantleOperation, (body: Record<string, unknown>) => void>> = {
  chat: checkChatBody,
  responses: checkResponsesBody,
  embeddings: checkEmbeddingsBody,
}

export async function startPlainMantle(options: PlainMantleOptions): Promise<PlainMantle> {
  const requests: MantleRequest[] = []
  const refusals: MantleRefusal[] = []
  const queue: MantleScript[] = []

  function modelFor(name: unknown, prefix: MantlePrefix, operation: MantleOperation): string {
    const model = typeof name === 'string' ? options.models.get(name) : undefined
    if (model === undefined)
      throw new OpenAIError(
        404,
        'invalid_request_error',
        `The model \`${String(name)}\` does not exist or you do not have access to it.`,
        'model',
        'model_not_found',
      )
    if (model.prefix !== prefix)
      throw invalid(`The model \`${String(name)}\` isn't supported on this route.`, 'model')
    if (!model.operations.includes(operation))
      throw invalid(
        `The model '${String(name)}' does not support the '${prefix}/${operation === 'chat' ? 'chat/completions' : operation}' API.`,
        'model',
      )
    return String(name)
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const rawPath = request.url ?? '/'
    const body = await readBody(request)
    const failure = await verifySigV4(
      { method: request.method ?? 'GET', rawPath, headers: request.headers, body },
      options.key,
    )
    if (failure !== undefined)
      throw new OpenAIError(401, 'invalid_request_error', failure.message, null, 'invalid_api_key')
    if (request.method === 'GET' && rawPath === '/v1/models') {
      sendJson(response, 200, {
        object: 'list',
        data: [...options.models.keys()].map((id) => ({
          id,
          object: 'model',
          created: 1_767_225_600,
          owned_by: 'system',
        })),
      })
      return
    }
    const match = operationPath.exec(rawPath)
    const prefix = match?.[1] as MantlePrefix | undefined
    const operation = match?.[2] === undefined ? undefined : operationOf[match[2]]
    if (request.method !== 'POST' || prefix === undefined || operation === undefined)
      throw new OpenAIError(
        404,
        'invalid_request_error',
        `Invalid URL (${request.method ?? ''} ${rawPath})`,
        null,
        null,
      )
    const parsed = jsonObject(request, body)
    const projectHeader = request.headers['openai-project']
    const project = Array.isArray(projectHeader) ? projectHeader.join(',') : projectHeader
    if (project !== undefined && !projectPattern.test(project))
      throw invalid(
        `The project \`${project}\` is not a valid project id.`,
        null,
        'invalid_project',
      )
    checks[operation](parsed)
    const model = modelFor(parsed['model'], prefix, operation)
    const seen: MantleRequest = {
      operation,
      prefix,
      model,
      project,
      headers: request.headers,
      body: parsed,
    }
    requests.push(seen)
    const script = queue.shift()
    if (script === undefined)
      throw new OpenAIError(500, 'server_error', `No reply scripted for ${operation}.`, null, null)
    await send(response, typeof script === 'function' ? script(seen) : script)
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      const refused =
        error instanceof OpenAIError
          ? error
          : new OpenAIError(500, 'server_error', String(error), null, null)
      const errorBody: OpenAIErrorBody = {
        message: refused.message,
        type: refused.type,
        param: refused.param,
        code: refused.code,
      }
      refusals.push({ path: request.url ?? '', status: refused.status, error: errorBody })
      if (response.headersSent) response.destroy()
      else sendJson(response, refused.status, { error: errorBody })
    })
  })
  const { url, close } = await listenOnLoopback(server)
  return {
    url,
    requests,
    refusals,
    reply: (...scripts) => queue.push(...scripts),
    reset() {
      requests.length = 0
      refusals.length = 0
      queue.length = 0
    },
    close,
  }
}
