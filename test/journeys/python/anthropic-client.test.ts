// The gateway speaks Anthropic's API to any Anthropic client: the official Python `anthropic`
// client (PyPI), configured only by ANTHROPIC_BASE_URL and ANTHROPIC_API_KEY, creates and streams
// Messages, does a tool-result turn, replays thinking with its signature, counts tokens, and gets
// NotFoundError and OverloadedError for what the gateway and Bedrock refuse.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_KEY, startJourney, type Journey } from '../../support/journey.ts'
import { anthropicPython } from './python-venv.ts'

const run = promisify(execFile)
const script = new URL('anthropic_client_journey.py', import.meta.url).pathname

let journey: Journey

beforeAll(async () => {
  journey = await startJourney('python-anthropic')
})

afterAll(async () => {
  await journey.stop()
})

describe('the official Python anthropic client', () => {
  it('creates, streams, uses tools, replays thinking and counts tokens', async () => {
    const python = anthropicPython()
    // In the order the script calls; an empty scenario is the default echo.
    const steps = [
      { scenario: { reply: { text: 'Hi from Claude.' } } },
      { scenario: { reply: { text: 'Streamed hi.' } } },
      { scenario: { reply: { toolCalls: [{ name: 'lookup', input: {} }] } } },
      { scenario: {} },
      { scenario: { reply: { reasoning: { text: 'Hmm.', signature: 'x' }, text: 'Thought.' } } },
      { scenario: {} },
      { scenario: {} },
      {
        scenario: {
          fault: { kind: 'error' as const, exception: 'ServiceUnavailableException' as const },
        },
      },
    ]
    for (const step of steps) await journey.bedrock.script(step)
    const { stdout } = await run(python, [script], {
      env: {
        PATH: process.env['PATH'],
        ANTHROPIC_BASE_URL: journey.gateway.url,
        ANTHROPIC_API_KEY: DEMO_KEY,
        JOURNEY_MODEL: 'claude',
      },
      timeout: 60_000,
    })
    const seen = JSON.parse(stdout) as Record<string, unknown>
    expect(seen).toMatchObject({
      create: {
        model: 'claude',
        text: 'Hi from Claude.',
        stop_reason: 'end_turn',
        input_tokens: 3,
      },
      stream: { first: 'message_start', last: 'message_stop', text: 'Streamed hi.' },
      tools: { stop_reason: 'tool_use', answer: 'Echo: found it' },
      thinking: { first: 'thinking', replay: 'Echo: More' },
      count_tokens: 3,
      unknown_model: {
        class: 'NotFoundError',
        status: 404,
        body: { type: 'error', error: { type: 'not_found_error' } },
      },
      overloaded: {
        class: 'OverloadedError',
        status: 529,
        body: { type: 'error', error: { type: 'overloaded_error' } },
      },
    })
    const operations = (await journey.bedrock.requests()).map((request) => request.operation)
    expect(operations).toEqual([
      'invoke-model',
      'invoke-model-stream',
      'invoke-model',
      'invoke-model',
      'invoke-model',
      'invoke-model',
      'count-tokens',
      'invoke-model',
    ])
  })

  it('fails with what to run when the venv is missing', () => {
    expect(() =>
      anthropicPython({ ...process.env, STRATA_CACHE: '/nonexistent/strata-cache' }),
    ).toThrow(/venv with the official anthropic client is missing .*Run `make setup`/)
  })
})
