import {
  AccessDeniedException,
  ConverseCommand,
  ConverseStreamCommand,
  InternalServerException,
  ModelErrorException,
  ModelNotReadyException,
  ModelStreamErrorException,
  ModelTimeoutException,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  ServiceUnavailableException,
  ThrottlingException,
  ValidationException,
  type Message,
} from '@aws-sdk/client-bedrock-runtime'
import { describe, expect, it, vi } from 'vitest'
import { httpExceptions, streamExceptionNames } from './aws-errors.ts'
import { useEmulator } from './use-emulator.ts'
import { collectStream, sigv4Client, userSays, type StreamedEvent } from './sdk-clients.ts'

const modelId = 'us.anthropic.claude-sonnet-4-6'
const emulator = useEmulator()

const sdkClasses = {
  ValidationException,
  AccessDeniedException,
  ResourceNotFoundException,
  ModelTimeoutException,
  ThrottlingException,
  ModelNotReadyException,
  ModelErrorException,
  ModelStreamErrorException,
  ServiceQuotaExceededException,
  InternalServerException,
  ServiceUnavailableException,
}

async function converse(messages: Message[] = userSays('hi')): Promise<unknown> {
  return sigv4Client(emulator.url).send(new ConverseCommand({ modelId, messages }))
}

async function streamUntilError(events: StreamedEvent[]): Promise<unknown> {
  const out = await sigv4Client(emulator.url).send(
    new ConverseStreamCommand({ modelId, messages: userSays('one two three') }),
  )
  await collectStream(out.stream, (event) => events.push(event))
  throw new Error('stream ended without an error')
}

describe('error faults', () => {
  it.each(Object.entries(httpExceptions))(
    '%s arrives as its SDK class with status %i',
    async (name, status) => {
      emulator.script({
        scenario: { fault: { kind: 'error', exception: name as keyof typeof httpExceptions } },
      })
      const error = await converse().catch((e: unknown) => e)
      expect(error).toMatchObject({ name, $metadata: { httpStatusCode: status } })
      expect(error).toBeInstanceOf(sdkClasses[name as keyof typeof sdkClasses])
    },
  )

  it('answers ConverseStream with a JSON error before any frame', async () => {
    emulator.script({
      match: { operation: 'converse-stream' },
      scenario: {
        fault: { kind: 'error', exception: 'ThrottlingException', message: 'Too many tokens' },
      },
    })
    const error = await streamUntilError([]).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ThrottlingException)
    expect(error).toMatchObject({ message: 'Too many tokens', $fault: 'client' })
  })

  it('sends a scripted Retry-After header with the error', async () => {
    emulator.script({
      scenario: {
        fault: { kind: 'error', exception: 'ThrottlingException', retryAfterSeconds: 7 },
      },
    })
    const response = await fetch(`${emulator.url}/model/${modelId}/converse`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: userSays('hi') }),
    })
    expect(response.status).toBe(429)
    expect(response.headers.get('retry-after')).toBe('7')
    expect(response.headers.get('x-amzn-errortype')).toBe('ThrottlingException')
  })

  it('returns ResourceNotFoundException only for the scripted model id', async () => {
    emulator.script({
      match: { modelId: 'no.such-model' },
      scenario: { fault: { kind: 'error', exception: 'ResourceNotFoundException' } },
    })
    await expect(converse()).resolves.toBeDefined()
    const client = sigv4Client(emulator.url)
    await expect(
      client.send(new ConverseCommand({ modelId: 'no.such-model', messages: userSays('hi') })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException)
  })
})

describe('mid-stream exceptions', () => {
  it.each(streamExceptionNames)(
    '%s throws during iteration after the scripted events',
    async (exception) => {
      emulator.script({
        scenario: { fault: { kind: 'midStreamException', afterEvents: 2, exception } },
      })
      const events: StreamedEvent[] = []
      const error = await streamUntilError(events).catch((e: unknown) => e)
      const name = exception.charAt(0).toUpperCase() + exception.slice(1)
      expect(error).toBeInstanceOf(sdkClasses[name as keyof typeof sdkClasses])
      expect(events.map((e) => e.type)).toEqual(['messageStart', 'contentBlockDelta'])
    },
  )

  it('is an ordinary error response on Converse', async () => {
    emulator.script({
      scenario: {
        fault: { kind: 'midStreamException', afterEvents: 1, exception: 'throttlingException' },
      },
    })
    await expect(converse()).rejects.toBeInstanceOf(ThrottlingException)
  })
})

describe('validation', () => {
  const toolTurn: Message[] = [
    { role: 'user', content: [{ text: 'weather?' }] },
    {
      role: 'assistant',
      content: [{ toolUse: { toolUseId: 't1', name: 'get_weather', input: {} } }],
    },
    { role: 'user', content: [{ toolResult: { toolUseId: 't1', content: [{ text: 'sunny' }] } }] },
  ]
  it.each([
    { name: 'empty messages', messages: [], message: /must start with a user message/ },
    {
      name: 'assistant first',
      messages: [{ role: 'assistant', content: [{ text: 'hi' }] }] satisfies Message[],
      message: /must start with a user message/,
    },
    {
      name: 'two user turns in a row',
      messages: [...userSays('a'), ...userSays('b')],
      message: /must alternate between user and assistant roles/,
    },
    {
      name: 'tool blocks without toolConfig',
      messages: toolTurn,
      message:
        /^The toolConfig field must be defined when using toolUse and toolResult content blocks\.$/,
    },
  ])('rejects $name with ValidationException', async ({ messages, message }) => {
    const error = await converse(messages).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ValidationException)
    expect(error).toMatchObject({
      message: expect.stringMatching(message) as string,
      $metadata: { httpStatusCode: 400 },
    })
  })

  it('rejects an out-of-range temperature on ConverseStream too', async () => {
    const client = sigv4Client(emulator.url)
    const command = new ConverseStreamCommand({
      modelId,
      messages: userSays('hi'),
      inferenceConfig: { temperature: 1.5 },
    })
    await expect(client.send(command)).rejects.toThrow(
      "Value '1.5' at 'inferenceConfig.temperature' failed to satisfy constraint",
    )
  })
})

describe('connection faults', () => {
  it('resets Converse before answering, and does not count it as a client abort', async () => {
    emulator.script({ scenario: { fault: { kind: 'reset' } } })
    await expect(converse()).rejects.toThrow()
    expect(emulator.requests()[0]?.aborted).toBeUndefined()
  })

  it('resets ConverseStream after the scripted events', async () => {
    emulator.script({ scenario: { fault: { kind: 'reset', afterEvents: 3 }, chunkSize: 2 } })
    const events: StreamedEvent[] = []
    await expect(streamUntilError(events)).rejects.not.toThrow('stream ended without an error')
    expect(events.map((e) => e.type)).toEqual([
      'messageStart',
      'contentBlockDelta',
      'contentBlockDelta',
    ])
  })

  it.each([
    { operation: 'converse' as const, scenario: { fault: { kind: 'hang' as const } } },
    { operation: 'converse-stream' as const, scenario: { fault: { kind: 'hang' as const } } },
    { operation: 'converse-stream' as const, scenario: { tokenDelayMs: 60_000 } },
  ])(
    'records a client abort of a $operation that is still being answered',
    async ({ operation, scenario }) => {
      emulator.script({ scenario })
      const controller = new AbortController()
      const client = sigv4Client(emulator.url)
      const input = { modelId, messages: userSays('three words here') }
      const pending =
        operation === 'converse'
          ? client.send(new ConverseCommand(input), { abortSignal: controller.signal })
          : client
              .send(new ConverseStreamCommand(input), { abortSignal: controller.signal })
              .then((out) => collectStream(out.stream))
      await vi.waitFor(() => {
        expect(emulator.requests()).toHaveLength(1)
      })
      controller.abort()
      await expect(pending).rejects.toThrow()
      await vi.waitFor(() => {
        expect(emulator.requests()[0]?.aborted).toBe(true)
      })
    },
  )
})
