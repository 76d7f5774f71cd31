import { createHash, createHmac } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { GatewayError } from '../errors/gateway-error.ts'
import { eventBatches } from '../streaming/bedrock-frames.ts'
import { toConverseStreamEvent } from '../streaming/converse-stream-events.ts'
import { readFixture } from '../../test-support/converse-stream-fixtures/event-fixtures.ts'
import { createConverseClient, operationUrl, type ConverseClient } from './converse-client.ts'
import { endpointFromEnv } from './converse-client-config.ts'
import { bearerSigner, sigV4Signer } from '@strata/aws-signing'

interface Captured {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: string
}

type Handler = (request: IncomingMessage, response: ServerResponse, body: string) => void

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

async function serve(handler: Handler): Promise<{ endpoint: string; captured: Captured[] }> {
  const captured: Captured[] = []
  const server = createServer((request, response) => {
    const parts: Buffer[] = []
    request.on('data', (part: Buffer) => parts.push(part))
    request.on('end', () => {
      const body = Buffer.concat(parts).toString('utf8')
      captured.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body,
      })
      handler(request, response, body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())))
  cleanups.push(async () => {
    server.closeAllConnections()
    await Promise.resolve()
  })
  const { port } = server.address() as AddressInfo
  return { endpoint: `http://127.0.0.1:${port}`, captured }
}

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session-token',
}
const fixedDate = new Date('2026-01-02T03:04:05Z')

function client(
  endpoint: string,
  signer = sigV4Signer(
    () => Promise.resolve(credentials),
    () => fixedDate,
  ),
): ConverseClient {
  const created = createConverseClient({ endpoint, signer })
  cleanups.push(() => created.close())
  return created
}

const body = { messages: [{ role: 'user' as const, content: [{ text: 'Hello' }] }] }
const call = (modelId: string, signal = new AbortController().signal) => ({
  modelId,
  region: 'eu-west-1',
  body,
  signal,
})

const converseJson = {
  output: { message: { role: 'assistant', content: [{ text: 'Hi!' }] } },
  stopReason: 'end_turn',
  usage: { inputTokens: 5, outputTokens: 2, totalTokens: 7 },
  metrics: { latencyMs: 10 },
}

// An independent SigV4 check written from the AWS documentation, not from @smithy/signature-v4.
function expectedSignature(request: Captured, signedHeaders: string[], scope: string): string {
  const [date, region, service] = scope.split('/')
  const canonicalUri = request.url
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/')
  const canonicalHeaders = signedHeaders
    .map((name) => `${name}:${String(request.headers[name]).trim()}\n`)
    .join('')
  const canonicalRequest = [
    'POST',
    canonicalUri,
    '',
    canonicalHeaders,
    signedHeaders.join(';'),
    createHash('sha256').update(request.body).digest('hex'),
  ].join('\n')
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    String(request.headers['x-amz-date']),
    scope,
    createHash('sha256').update(canonicalRequest).digest('hex'),
  ].join('\n')
  const hmac = (key: string | Buffer, data: string) =>
    createHmac('sha256', key).update(data).digest()
  const key = hmac(
    hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, date ?? ''), region ?? ''), service ?? ''),
    'aws4_request',
  )
  return createHmac('sha256', key).update(stringToSign).digest('hex')
}

describe('converse client', () => {
  it('posts to the percent-encoded model path with a valid SigV4 signature', async () => {
    const { endpoint, captured } = await serve((_request, response) => {
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(converseJson))
    })
    const arn = 'arn:aws:bedrock:eu-west-1:123456789012:application-inference-profile/abcd1234efgh'
    const result = await client(endpoint).converse(call(arn))
    expect(result).toMatchObject({ stopReason: 'end_turn', usage: { inputTokens: 5 } })
    const [request] = captured
    if (request === undefined) throw new Error('no request')
    expect(request.url).toBe(
      '/model/arn%3Aaws%3Abedrock%3Aeu-west-1%3A123456789012%3Aapplication-inference-profile%2Fabcd1234efgh/converse',
    )
    expect(JSON.parse(request.body)).toEqual(body)
    expect(request.headers['content-type']).toBe('application/json')
    expect(request.headers['x-amz-security-token']).toBe('session-token')
    expect(request.headers['x-amz-date']).toBe('20260102T030405Z')
    const match =
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
        String(request.headers.authorization),
      )
    expect(match?.[1]).toBe('20260102/eu-west-1/bedrock/aws4_request')
    const signedHeaders = (match?.[2] ?? '').split(';')
    expect(signedHeaders).toEqual(
      expect.arrayContaining(['content-type', 'host', 'x-amz-date', 'x-amz-security-token']),
    )
    expect(match?.[3]).toBe(expectedSignature(request, signedHeaders, match?.[1] ?? ''))
  })

  it('sends a Bedrock API key as a bearer token instead of signing', async () => {
    const { endpoint, captured } = await serve((_request, response) => {
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(converseJson))
    })
    await client(endpoint, bearerSigner('bedrock-api-key-TEST')).converse(
      call('anthropic.claude-haiku-4-5-20251001-v1:0'),
    )
    expect(captured[0]?.url).toBe('/model/anthropic.claude-haiku-4-5-20251001-v1%3A0/converse')
    expect(captured[0]?.headers.authorization).toBe('Bearer bedrock-api-key-TEST')
    expect(captured[0]?.headers['x-amz-date']).toBeUndefined()
  })

  it.each([
    [
      'the x-amzn-ErrorType header',
      {
        'x-amzn-errortype':
          'ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/',
      },
      { message: 'Too many requests' },
      429,
      'rate_limit_exceeded',
    ],
    [
      'the body code',
      {},
      { code: 'ResourceNotFoundException', message: 'No such model' },
      404,
      'model_not_found',
    ],
    [
      'the body __type',
      {},
      { __type: 'com.amazon.bedrock#ValidationException', Message: 'Bad input' },
      400,
      'invalid_request',
    ],
  ])('maps an error named by %s', async (_name, headers, errorBody, status, code) => {
    const { endpoint } = await serve((_request, response) => {
      response
        .writeHead(status === 404 ? 404 : status === 429 ? 429 : 400, {
          'content-type': 'application/json',
          ...headers,
        })
        .end(JSON.stringify(errorBody))
    })
    const error = await client(endpoint)
      .converse(call('m'))
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(GatewayError)
    const message = 'message' in errorBody ? errorBody.message : errorBody.Message
    expect(error).toMatchObject({ status, code, message })
  })

  it('keeps the status of an unnamed upstream failure', async () => {
    const { endpoint } = await serve((_request, response) => {
      response.writeHead(503, { 'content-type': 'text/html' }).end('<html>busy</html>')
    })
    await expect(client(endpoint).converse(call('m'))).rejects.toMatchObject({
      status: 503,
      type: 'api_error',
    })
  })

  it('rejects a 200 that is not a Converse response', async () => {
    const { endpoint } = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"hello":')
    })
    await expect(client(endpoint).converse(call('m'))).rejects.toMatchObject({
      status: 502,
      code: 'upstream_invalid_response',
    })
  })

  it('reports an unreachable endpoint as a 502', async () => {
    const { endpoint } = await serve(() => undefined)
    for (const cleanup of cleanups.splice(0)) await cleanup()
    await expect(client(endpoint).converse(call('m'))).rejects.toMatchObject({
      status: 502,
      code: 'upstream_connection_error',
    })
  })

  it('streams a recorded event stream, as bytes, from converse-stream', async () => {
    const recorded = readFixture('parallel-tool-calls', '.eventstream')
    const { endpoint, captured } = await serve((_request, response) => {
      response.writeHead(200, {
        'content-type': 'application/vnd.amazon.eventstream',
        'x-amzn-requestid': 'r-1',
      })
      // Odd-sized writes so frames straddle network chunks.
      void (async () => {
        for (let offset = 0; offset < recorded.length; offset += 97) {
          response.write(recorded.subarray(offset, offset + 97))
          await new Promise((resolve) => setImmediate(resolve))
        }
        response.end()
      })()
    })
    const bytes = await client(endpoint).converseStream(call('us.anthropic.claude-sonnet-4-6'))
    const types: string[] = []
    for await (const batch of eventBatches(bytes, toConverseStreamEvent))
      types.push(...batch.map((event) => event.type))
    expect(captured[0]?.url).toBe('/model/us.anthropic.claude-sonnet-4-6/converse-stream')
    expect(types).toEqual([
      'messageStart',
      'contentBlockDelta',
      'contentBlockStop',
      'contentBlockStart',
      'contentBlockDelta',
      'contentBlockDelta',
      'contentBlockDelta',
      'contentBlockStop',
      'contentBlockStart',
      'contentBlockStop',
      'messageStop',
      'metadata',
    ])
  })

  it('cancels the upstream request when the caller aborts mid-stream', async () => {
    let upstreamClosed: () => void = () => undefined
    const closed = new Promise<void>((resolve) => (upstreamClosed = resolve))
    const { endpoint } = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream' })
      response.write(readFixture('ended-early', '.eventstream'))
      response.on('close', upstreamClosed)
    })
    const controller = new AbortController()
    const bytes = await client(endpoint).converseStream(call('m', controller.signal))
    const reading = (async () => {
      for await (const chunk of bytes) if (chunk.length > 0) controller.abort()
    })()
    await expect(reading).rejects.toMatchObject({ status: 499, code: 'client_closed_request' })
    await closed
  })

  it('turns a caller deadline into a 504', async () => {
    const { endpoint } = await serve(() => undefined)
    await expect(
      client(endpoint).converse(call('m', AbortSignal.timeout(50))),
    ).rejects.toMatchObject({ status: 504, type: 'timeout_error' })
  })

  it('refuses a 200 stream answer that is not an event stream', async () => {
    const { endpoint } = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
    await expect(client(endpoint).converseStream(call('m'))).rejects.toMatchObject({
      status: 502,
      code: 'upstream_invalid_response',
    })
  })
})

describe('endpoints', () => {
  it('defaults to the regional Bedrock Runtime host', () => {
    expect(
      operationUrl(new URL('https://bedrock-runtime.us-east-1.amazonaws.com'), 'a:b/c', 'converse')
        .href,
    ).toBe('https://bedrock-runtime.us-east-1.amazonaws.com/model/a%3Ab%2Fc/converse')
  })

  it('keeps a base path of an endpoint override', () => {
    expect(operationUrl(new URL('http://proxy.local/bedrock/'), 'm', 'converse-stream').href).toBe(
      'http://proxy.local/bedrock/model/m/converse-stream',
    )
  })

  it.each([
    [
      {
        AWS_ENDPOINT_URL_BEDROCK_RUNTIME: 'http://emulator:4000',
        AWS_ENDPOINT_URL: 'http://other',
      },
      'http://emulator:4000',
    ],
    [{ AWS_ENDPOINT_URL: 'http://all-services' }, 'http://all-services'],
    [
      {
        AWS_ENDPOINT_URL_BEDROCK_RUNTIME: 'http://emulator:4000',
        AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true',
      },
      undefined,
    ],
    [{}, undefined],
  ])('reads the endpoint override from %o', (env, expected) => {
    expect(endpointFromEnv(env)).toBe(expected)
  })
})
