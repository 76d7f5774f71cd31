import { describe, expect, it, vi } from 'vitest'
import { createTestApp, postChat, textChunk } from '../../test-support/app-test-kit.ts'
import { TEST_KEY } from '../../test-support/test-tables.ts'
import { createJsonLogger } from '../app-logger.ts'
import { GatewayError } from '../errors/gateway-error.ts'
import { ACCESS_LOG_MESSAGE, accessLogListener } from './access-log.ts'
import { createContentCapture } from './content-capture.ts'
import { defaultPriceTable } from './cost.ts'
import { closedRecord } from '../../test-support/record-fixtures.ts'
import { clientClosed } from '../errors/catalogue.ts'

const SECRET_PROMPT = 'the zebra crosses at midnight'
const hello = { model: 'claude', messages: [{ role: 'user', content: SECRET_PROMPT }] }

function collectingLogger() {
  const lines: string[] = []
  const logger = createJsonLogger(
    (line) => lines.push(line),
    () => Date.parse('2026-05-01T12:00:00Z'),
  )
  const entries = () =>
    lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry['message'] === ACCESS_LOG_MESSAGE)
  return { logger, lines, entries }
}

describe('the access log line', () => {
  it('holds who, what, how it ended, tokens, timings and cost', () => {
    const { logger, entries } = collectingLogger()
    accessLogListener({ logger, prices: defaultPriceTable }).finished?.(closedRecord())
    expect(entries()).toEqual([
      {
        time: '2026-05-01T12:00:00.000Z',
        level: 'info',
        message: 'access',
        project: 'team-a/support',
        route: 'team-a/claude',
        model: 'claude',
        backend: 'converse',
        bedrockModel: 'us.anthropic.claude-sonnet-4-6',
        operation: 'chat',
        stream: false,
        status: 200,
        stopReason: 'end_turn',
        tokens: {
          input: 1000,
          output: 500,
          cachedInput: 2000,
          cacheCreationInput: 100,
          reasoning: 50,
        },
        latencyMs: 1200,
        ttftMs: 1150,
        overheadMs: 50,
        costUsd: 0.011475,
        attempts: 1,
        fallbacks: 0,
      },
    ])
  })

  it('names the error type of a failure and of a client abort', () => {
    const { logger, entries } = collectingLogger()
    const listener = accessLogListener({ logger, prices: defaultPriceTable })
    listener.finished?.(
      closedRecord({
        status: 429,
        usage: undefined,
        error: new GatewayError(429, 'rate_limit_error', 'slow', { code: 'rate_limit_exceeded' }),
      }),
    )
    listener.finished?.(closedRecord({ stream: true, error: clientClosed(undefined) }))
    expect(entries().map((entry) => entry['errorType'])).toEqual([
      'rate_limit_exceeded',
      'client_closed',
    ])
    expect(entries()[0]?.['costUsd']).toBeUndefined()
  })
})

describe('the access log through the app', () => {
  function loggingApp(logContent: boolean) {
    const collected = collectingLogger()
    const content = logContent ? createContentCapture(12) : undefined
    const listener = accessLogListener({
      logger: collected.logger,
      prices: defaultPriceTable,
      ...(content ? { content } : {}),
    })
    const testApp = createTestApp({
      requestListeners: [listener],
      ...(content ? { contentCapture: content } : {}),
    })
    return { ...testApp, ...collected }
  }

  it('holds no prompt, answer, key or Authorization by default', async () => {
    const { app, lines, entries } = loggingApp(false)
    await (await postChat(app, hello)).text()
    await (await postChat(app, { ...hello, stream: true })).text()
    expect(entries()).toHaveLength(2)
    const all = lines.join('')
    expect(all).not.toContain('zebra')
    expect(all).not.toContain('Hello')
    expect(all).not.toContain(TEST_KEY)
    expect(all.toLowerCase()).not.toContain('authorization')
  })

  it('with --log-content adds the prompt and the answer, truncated, for JSON and streams', async () => {
    const { app, backend, entries } = loggingApp(true)
    await (await postChat(app, hello)).text()
    backend.script = [textChunk('Hel'), textChunk('lo there, a long answer', 'stop')]
    await (await postChat(app, { ...hello, stream: true })).text()
    await vi.waitFor(() => {
      expect(entries()).toHaveLength(2)
    })
    const [json, stream] = entries()
    expect(json?.['request']).toBe('{"messages":…[truncated]')
    expect(json?.['answer']).toBe('Hello!')
    expect(stream?.['answer']).toBe('Hello there,…[truncated]')
  })

  it('with --log-content logs an abandoned stream with what was sent', async () => {
    const { app, backend, entries } = loggingApp(true)
    backend.script = [textChunk('Partial'), 'hang']
    const response = await postChat(app, { ...hello, stream: true })
    const reader = response.body?.getReader()
    await reader?.read()
    await reader?.cancel()
    await vi.waitFor(() => {
      expect(entries()).toHaveLength(1)
    })
    expect(entries()[0]).toMatchObject({ errorType: 'client_closed', answer: 'Partial' })
  })
})
