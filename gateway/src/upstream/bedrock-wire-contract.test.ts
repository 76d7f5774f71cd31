// The gateway's Bedrock Runtime clients against answers a faithful Bedrock may send but our
// emulator happens not to: the public wire contract as the AWS SDK for JavaScript v3 reads it
// (loadRestJsonErrorCode, the event-stream unmarshaller), not our emulator's habits. Each case is
// served raw by a local HTTP server, so header case, framing and chunking are the test's choice.
// References: https://docs.aws.amazon.com/bedrock/latest/APIReference/CommonErrors.html,
// API_runtime_Converse / ConverseStream / InvokeModel / InvokeModelWithResponseStream /
// ApplyGuardrail, and docs/reference/event-stream.md.
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { bearerSigner } from '@strata/aws-signing'
import { GatewayError } from '../errors/gateway-error.ts'
import { eventBatches, type FrameReader } from '../streaming/bedrock-frames.ts'
import {
  toConverseStreamEvent,
  type ConverseStreamEvent,
} from '../streaming/converse-stream-events.ts'
import { chunkOf } from '../streaming/invoke-stream-chunks.ts'
import {
  encodeEventStreamMessage,
  errorFrame,
  eventFrame,
  exceptionFrame,
} from '../../test-support/event-stream-encoder.ts'
import type { TypedHeader } from '../streaming/event-stream-headers.ts'
import { createClaudeInvokeClient } from './claude-invoke-client.ts'
import { createConverseClient, type ConverseClientConfig } from './converse-client.ts'
import { createGuardrailClient } from './guardrail-client.ts'
import { createInvokeClient } from './invoke-client.ts'
import { createMantleClient } from './mantle-client.ts'

/** What the stand-in answers: a status, headers as [name, value] pairs (case kept), body pieces. */
interface Answer {
  status: number
  headers: [string, string][]
  pieces: Uint8Array[]
  /** Sends a content-length instead of chunked transfer encoding. */
  contentLength?: boolean
}

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

async function write(response: ServerResponse, answer: Answer): Promise<void> {
  const headers: string[] = answer.headers.flat()
  if (answer.contentLength === true) {
    const length = answer.pieces.reduce((sum, piece) => sum + piece.length, 0)
    headers.push('Content-Length', String(length))
  }
  response.writeHead(answer.status, headers)
  response.flushHeaders()
  for (const piece of answer.pieces) {
    response.write(piece)
    // Each piece its own network read, as far as the loopback allows.
    await new Promise((resolve) => setTimeout(resolve, 0))
  }
  response.end()
}

async function standIn(answer: Answer): Promise<ConverseClientConfig> {
  const server = createServer((request, response) => {
    request.resume()
    request.on('end', () => void write(response, answer))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })
  const { port } = server.address() as AddressInfo
  return { endpoint: `http://127.0.0.1:${port}`, signer: bearerSigner('bedrock-api-key-test') }
}

const bytes = (text: string): Uint8Array => Buffer.from(text, 'utf8')
const json = (value: unknown): Uint8Array => bytes(JSON.stringify(value))

// Every Bedrock Runtime operation the gateway calls itself, each answering through its own client.
type Operation = (config: ConverseClientConfig) => Promise<unknown>

const signal = (): AbortSignal => new AbortController().signal
const converseBody = { messages: [{ role: 'user' as const, content: [{ text: 'Hi' }] }] }
const claudeBody = { anthropic_version: 'bedrock-2023-05-31', max_tokens: 8, messages: [] }

function closing<T extends { close(): unknown }>(client: T): T {
  cleanups.push(async () => {
    await client.close()
  })
  return client
}

/** One model call of the stand-in's one model, with a fresh signal. */
const modelCall = <Body>(body: Body) => ({
  modelId: 'm',
  region: 'us-east-1',
  body,
  signal: signal(),
})

const openConverseStream = (config: ConverseClientConfig) =>
  closing(createConverseClient(config)).converseStream(modelCall(converseBody))

const openClaudeStream = (config: ConverseClientConfig) =>
  closing(createClaudeInvokeClient(config)).invokeStream(modelCall(claudeBody))

/** What a stream gave before it ended, and how it ended (undefined when it ended well). */
async function readStream<T>(
  stream: AsyncIterable<Uint8Array>,
  reader: FrameReader<T>,
): Promise<{ seen: T[]; failure: Error | undefined }> {
  const seen: T[] = []
  try {
    for await (const batch of eventBatches(stream, reader)) seen.push(...batch)
    return { seen, failure: undefined }
  } catch (failure) {
    return { seen, failure: failure instanceof Error ? failure : new Error(String(failure)) }
  }
}

const operations: [string, Operation][] = [
  ['Converse', (config) => closing(createConverseClient(config)).converse(modelCall(converseBody))],
  ['ConverseStream', openConverseStream],
  [
    'InvokeModel (Claude)',
    (config) => closing(createClaudeInvokeClient(config)).invoke(modelCall(claudeBody)),
  ],
  ['InvokeModelWithResponseStream (Claude)', openClaudeStream],
  [
    'InvokeModel (embeddings)',
    (config) => closing(createInvokeClient(config)).invoke(modelCall({ inputText: 'x' })),
  ],
  [
    'ApplyGuardrail',
    (config) =>
      closing(createGuardrailClient(config)).apply({
        identifier: 'g',
        version: '1',
        region: 'us-east-1',
        source: 'INPUT',
        texts: ['x'],
        signal: signal(),
      }),
  ],
]

async function failure(operation: Operation, answer: Answer): Promise<GatewayError> {
  const caught = await operation(await standIn(answer)).then(
    () => undefined,
    (error: unknown) => error,
  )
  if (!(caught instanceof GatewayError))
    throw new Error(`expected a GatewayError, got ${String(caught)}`)
  return caught
}

describe.each(operations)('%s error answers', (name, operation) => {
  it('reads the type from an X-Amzn-ErrorType header of any case, cut at its `:` suffix', async () => {
    const error = await failure(operation, {
      status: 429,
      headers: [
        [
          'X-AMZN-ERRORTYPE',
          'ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/',
        ],
        ['Content-Type', 'application/json'],
        ['Retry-After', '7'],
      ],
      pieces: [json({ message: 'Too many tokens, please wait before trying again.' })],
    })
    expect(error).toMatchObject({
      status: 429,
      type: 'rate_limit_error',
      code: 'rate_limit_exceeded',
      message: 'Too many tokens, please wait before trying again.',
      retryAfterSeconds: 7,
    })
  })

  it('prefers the header over the body, as the SDK does', async () => {
    const error = await failure(operation, {
      status: 400,
      headers: [['x-amzn-ErrorType', 'ValidationException']],
      pieces: [json({ __type: 'ThrottlingException', message: 'Malformed input request.' })],
    })
    expect(error).toMatchObject({ status: 400, code: 'invalid_request' })
  })

  it('reads a namespaced __type and a capitalised Message', async () => {
    const error = await failure(operation, {
      status: 400,
      headers: [['content-type', 'application/x-amz-json-1.1']],
      pieces: [
        json({ __type: 'com.amazon.bedrock#ValidationException', Message: 'Bad input', extra: 1 }),
      ],
    })
    expect(error).toMatchObject({
      status: 400,
      type: 'invalid_request_error',
      message: 'Bad input',
    })
  })

  it('reads a body `code` whatever its key case, as the SDK finds it', async () => {
    const error = await failure(operation, {
      status: 404,
      headers: [['Content-Type', 'application/json; charset=UTF-8']],
      pieces: [json({ Code: 'ResourceNotFoundException', message: 'No such model.' })],
      contentLength: true,
    })
    // A guardrail that does not exist is the gateway's configuration, not a missing model.
    expect(error).toMatchObject(
      name === 'ApplyGuardrail'
        ? { status: 500, code: 'guardrail_not_found' }
        : { status: 404, code: 'model_not_found', message: 'No such model.' },
    )
    expect(error.message).toContain('No such model.')
  })

  it('reads an error body split over several chunks', async () => {
    const text = JSON.stringify({ message: 'The service is unavailable.' })
    const error = await failure(operation, {
      status: 503,
      headers: [['X-Amzn-ErrorType', 'ServiceUnavailableException']],
      pieces: Array.from(text, (character) => bytes(character)),
    })
    expect(error).toMatchObject({ status: 503, code: 'service_unavailable' })
  })

  it('turns a Retry-After given as an HTTP date into seconds', async () => {
    const date = new Date(Date.now() + 30_000).toUTCString()
    const error = await failure(operation, {
      status: 429,
      headers: [
        ['x-amzn-errortype', 'ThrottlingException'],
        ['Retry-After', date],
      ],
      pieces: [json({ message: 'Slow down.' })],
    })
    expect(error.status).toBe(429)
    expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(28)
    expect(error.retryAfterSeconds).toBeLessThanOrEqual(30)
  })

  it('keeps a 4xx without a name or a body a client error, never a 5xx', async () => {
    const error = await failure(operation, { status: 413, headers: [], pieces: [] })
    expect(error).toMatchObject({ status: 413, type: 'invalid_request_error' })
  })
})

const converseAnswer = {
  output: { message: { role: 'assistant', content: [{ text: 'Hi!', futureField: true }] } },
  stopReason: 'end_turn',
  // No totalTokens, no cache fields, no metrics, no additionalModelResponseFields.
  usage: { inputTokens: 5, outputTokens: 2 },
  trace: { promptRouter: { invokedModelId: 'm' } },
  performanceConfig: { latency: 'standard' },
  somethingNew: { nested: [1, 2] },
}

describe('JSON answers', () => {
  it.each([
    ['chunked', false],
    ['with a content-length', true],
  ])('reads a Converse answer with extra and without optional fields, %s', async (_how, length) => {
    const config = await standIn({
      status: 200,
      headers: [['CONTENT-TYPE', 'Application/JSON; charset=utf-8']],
      pieces: [json(converseAnswer).subarray(0, 10), json(converseAnswer).subarray(10)],
      contentLength: length,
    })
    const answer = await closing(createConverseClient(config)).converse(modelCall(converseBody))
    expect(answer).toMatchObject({ stopReason: 'end_turn', usage: { inputTokens: 5 } })
  })

  it('reads the input token count header whatever its case', async () => {
    const config = await standIn({
      status: 200,
      headers: [
        ['Content-Type', 'application/json'],
        ['X-Amzn-Bedrock-Input-Token-Count', '12'],
      ],
      pieces: [json({ embedding: [0.1], inputTextTokenCount: 12, extra: 'x' })],
    })
    const result = await closing(createInvokeClient(config)).invoke(modelCall({ inputText: 'x' }))
    expect(result.inputTokens).toBe(12)
  })

  it('reads an ApplyGuardrail answer with only its required fields', async () => {
    const config = await standIn({
      status: 200,
      headers: [['Content-Type', 'application/json']],
      pieces: [
        json({ action: 'GUARDRAIL_INTERVENED', outputs: [{ text: 'Blocked.' }], usage: {}, z: 1 }),
      ],
    })
    const result = await closing(createGuardrailClient(config)).apply({
      identifier: 'g',
      version: 'DRAFT',
      region: 'us-east-1',
      source: 'OUTPUT',
      texts: ['x'],
      signal: signal(),
    })
    expect(result).toEqual({ intervened: true, message: 'Blocked.' })
  })
})

const stringHeader = (name: string, value: string): TypedHeader => ({ name, type: 'string', value })

/** An event frame with its headers reversed and headers the SDK does not know added. */
function unusualEventFrame(eventType: string, payload: unknown): Buffer {
  return encodeEventStreamMessage(
    [
      { name: 'x-future-flag', type: 'true', value: true },
      stringHeader(':message-type', 'event'),
      { name: ':date', type: 'timestamp', value: new Date('2026-01-01T00:00:00Z') },
      stringHeader(':content-type', 'application/json'),
      { name: 'x-request-sequence', type: 'long', value: 42n },
      stringHeader(':event-type', eventType),
      { name: 'x-trace', type: 'uuid', value: '0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9' },
    ],
    Buffer.from(JSON.stringify(payload), 'utf8'),
  )
}

const converseEvents: [string, unknown][] = [
  ['messageStart', { role: 'assistant', p: 'abc' }],
  ['contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Hel' }, p: 'abcd' }],
  ['contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'lo' } }],
  ['contentBlockStop', { contentBlockIndex: 0 }],
  ['messageStop', { stopReason: 'end_turn' }],
  // No metrics, no cache fields.
  ['metadata', { usage: { inputTokens: 3, outputTokens: 2, totalTokens: 5 } }],
]

const eventName = (event: ConverseStreamEvent): string =>
  event.type === 'contentBlockDelta' ? `delta:${event.delta.text ?? ''}` : event.type

async function converseStreamOf(answer: Answer): Promise<string[]> {
  const { seen, failure } = await readStream(
    await openConverseStream(await standIn(answer)),
    toConverseStreamEvent,
  )
  if (failure !== undefined) throw failure
  return seen.map(eventName)
}

const expectedTypes = [
  'messageStart',
  'delta:Hel',
  'delta:lo',
  'contentBlockStop',
  'messageStop',
  'metadata',
]

const streamHeaders: [string, string][] = [
  ['Content-Type', 'application/vnd.amazon.eventstream'],
  ['X-Amzn-RequestId', 'r-1'],
  ['X-Amzn-Bedrock-Content-Type', 'application/json'],
]

describe('ConverseStream event streams', () => {
  const whole = Buffer.concat(converseEvents.map(([type, payload]) => eventFrame(type, payload)))

  it('reads frames split at every byte, each byte its own write', async () => {
    const types = await converseStreamOf({
      status: 200,
      headers: streamHeaders,
      pieces: Array.from(whole, (byte) => Uint8Array.of(byte)),
    })
    expect(types).toEqual(expectedTypes)
  })

  it('reads several frames in one write, with a content-length', async () => {
    const types = await converseStreamOf({
      status: 200,
      headers: streamHeaders,
      pieces: [whole],
      contentLength: true,
    })
    expect(types).toEqual(expectedTypes)
  })

  it('accepts the media type in any case and with parameters', async () => {
    const types = await converseStreamOf({
      status: 200,
      headers: [['content-type', 'Application/VND.Amazon.EventStream; charset=binary']],
      pieces: [whole],
    })
    expect(types).toEqual(expectedTypes)
  })

  it('reads headers in any order, and ignores headers it does not know', async () => {
    const types = await converseStreamOf({
      status: 200,
      headers: streamHeaders,
      pieces: converseEvents.map(([type, payload]) => unusualEventFrame(type, payload)),
    })
    expect(types).toEqual(expectedTypes)
  })

  it('skips event types it does not know, as the SDK does', async () => {
    const frames = converseEvents.map(([type, payload]) => eventFrame(type, payload))
    frames.splice(2, 0, eventFrame('futureEvent', { anything: [1] }))
    frames.splice(5, 0, unusualEventFrame('contentBlockAnnotation', { note: 'x' }))
    const types = await converseStreamOf({ status: 200, headers: streamHeaders, pieces: frames })
    expect(types).toEqual(expectedTypes)
  })

  // Each stream exception member and the status and code the client gets for it.
  const midStreamExceptions: Record<string, { status: number; code: string }> = {
    throttlingException: { status: 429, code: 'rate_limit_exceeded' },
    modelStreamErrorException: { status: 502, code: 'model_error' },
    validationException: { status: 400, code: 'invalid_request' },
    serviceUnavailableException: { status: 503, code: 'service_unavailable' },
    internalServerException: { status: 500, code: 'internal_error' },
    modelTimeoutException: { status: 408, code: 'model_timeout' },
  }

  it.each(Object.entries(midStreamExceptions))(
    'delivers the events before a mid-stream %s, then its error',
    async (member, { status, code }) => {
      const frames = converseEvents.slice(0, 3).map(([type, payload]) => eventFrame(type, payload))
      const payload = { message: `Upstream said ${member}.`, originalStatusCode: 500 }
      frames.push(exceptionFrame(member, payload))
      const config = await standIn({ status: 200, headers: streamHeaders, pieces: frames })
      const { seen, failure } = await readStream(
        await openConverseStream(config),
        toConverseStreamEvent,
      )
      expect(seen.map(eventName)).toEqual(['messageStart', 'delta:Hel', 'delta:lo'])
      expect(failure).toBeInstanceOf(GatewayError)
      expect(failure).toMatchObject({ status, code, message: payload.message })
    },
  )

  it('maps an exception frame whose payload is not JSON by its type alone', async () => {
    const frame = encodeEventStreamMessage(
      [
        stringHeader(':message-type', 'exception'),
        stringHeader(':exception-type', 'throttlingException'),
        stringHeader(':content-type', 'text/plain'),
      ],
      Buffer.from('Too many requests', 'utf8'),
    )
    await expect(
      converseStreamOf({ status: 200, headers: streamHeaders, pieces: [frame] }),
    ).rejects.toMatchObject({ status: 429, code: 'rate_limit_exceeded' })
  })

  it('maps an exception frame with an empty payload by its type alone', async () => {
    const frame = encodeEventStreamMessage(
      [
        stringHeader(':message-type', 'exception'),
        stringHeader(':exception-type', 'serviceUnavailableException'),
      ],
      new Uint8Array(0),
    )
    await expect(
      converseStreamOf({ status: 200, headers: streamHeaders, pieces: [frame] }),
    ).rejects.toMatchObject({ status: 503, code: 'service_unavailable' })
  })

  it('maps an unmodelled error frame by its :error-code', async () => {
    const frames = [
      eventFrame('messageStart', { role: 'assistant' }),
      errorFrame('ThrottlingException', 'Rate exceeded'),
    ]
    await expect(
      converseStreamOf({ status: 200, headers: streamHeaders, pieces: frames }),
    ).rejects.toMatchObject({ status: 429, message: 'Rate exceeded' })
  })
})

describe('InvokeModelWithResponseStream event streams', () => {
  const chunk = (event: unknown): Buffer =>
    eventFrame('chunk', {
      bytes: Buffer.from(JSON.stringify(event)).toString('base64'),
      p: 'abcdefgh',
    })
  const claudeEvents = [
    { type: 'message_start', message: { id: 'msg_1', usage: { input_tokens: 3 } } },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } },
    { type: 'message_stop', 'amazon-bedrock-invocationMetrics': { inputTokenCount: 3 } },
  ]

  async function chunksOf(pieces: Uint8Array[], contentType: string): Promise<unknown[]> {
    const config = await standIn({ status: 200, headers: [['Content-Type', contentType]], pieces })
    const { seen, failure } = await readStream(await openClaudeStream(config), chunkOf)
    if (failure !== undefined) throw failure
    return seen
  }

  it('reads chunks split at every byte, skipping event types it does not know', async () => {
    const frames = Buffer.concat([
      chunk(claudeEvents[0]),
      eventFrame('futureEvent', { x: 1 }),
      chunk(claudeEvents[1]),
      chunk(claudeEvents[2]),
    ])
    const seen = await chunksOf(
      Array.from(frames, (byte) => Uint8Array.of(byte)),
      'application/vnd.amazon.eventstream',
    )
    expect(seen).toEqual(claudeEvents)
  })

  it('accepts the media type in any case', async () => {
    const seen = await chunksOf(
      [Buffer.concat(claudeEvents.map(chunk))],
      'APPLICATION/VND.AMAZON.EVENTSTREAM',
    )
    expect(seen).toEqual(claudeEvents)
  })

  it('delivers the chunks before a mid-stream modelStreamErrorException, then a 502', async () => {
    const frames = [
      chunk(claudeEvents[0]),
      exceptionFrame('modelStreamErrorException', {
        message: 'The model stopped.',
        originalStatusCode: 500,
      }),
    ]
    const config = await standIn({
      status: 200,
      headers: [['Content-Type', 'application/vnd.amazon.eventstream']],
      pieces: frames,
    })
    const { seen, failure } = await readStream(await openClaudeStream(config), chunkOf)
    expect(seen).toEqual([claudeEvents[0]])
    expect(failure).toMatchObject({
      status: 502,
      code: 'model_error',
      message: 'The model stopped.',
    })
  })
})

describe('Mantle answers', () => {
  const call = () => ({
    modelId: 'openai.gpt-oss-120b',
    region: 'us-east-1',
    body: { model: 'openai.gpt-oss-120b', messages: [] },
    signal: signal(),
  })

  it('accepts an SSE media type in any case and with parameters', async () => {
    const sse = 'data: {"choices":[]}\n\ndata: [DONE]\n\n'
    const config = await standIn({
      status: 200,
      headers: [['CONTENT-TYPE', 'Text/Event-Stream; charset=utf-8']],
      pieces: [bytes(sse)],
    })
    const stream = await closing(createMantleClient(config)).chatCompletionStream(call())
    const pieces: Uint8Array[] = []
    for await (const piece of stream) pieces.push(piece)
    expect(Buffer.concat(pieces).toString('utf8')).toBe(sse)
  })

  it('keeps a Retry-After given as an HTTP date on a 429', async () => {
    const config = await standIn({
      status: 429,
      headers: [
        ['Content-Type', 'application/json'],
        ['RETRY-AFTER', new Date(Date.now() + 20_000).toUTCString()],
      ],
      pieces: [json({ error: { message: 'Slow down.', type: 'rate_limit_error', code: null } })],
    })
    const error = await closing(createMantleClient(config))
      .chatCompletion(call())
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(GatewayError)
    expect(error).toMatchObject({ status: 429, type: 'rate_limit_error', message: 'Slow down.' })
    const seconds = (error as GatewayError).retryAfterSeconds ?? 0
    expect(seconds).toBeGreaterThanOrEqual(18)
    expect(seconds).toBeLessThanOrEqual(20)
  })
})
