// The gateway is client-agnostic: the official Python `openai` client (PyPI), configured only by
// OPENAI_BASE_URL and OPENAI_API_KEY, does chat, a stream, responses, a responses stream,
// embeddings and a model list against the real processes, and gets a NotFoundError for an unknown
// model. The script prints what it saw as JSON; this test checks it and what reached Bedrock.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_KEY, JOURNEY_PROJECT_ID, startJourney, type Journey } from '../../support/journey.ts'
import { openaiPython } from './python-venv.ts'

const run = promisify(execFile)
const script = new URL('openai_client_journey.py', import.meta.url).pathname

let journey: Journey

beforeAll(async () => {
  journey = await startJourney('python-client')
})

afterAll(async () => {
  await journey.stop()
})

describe('the official Python openai client', () => {
  it('does chat, streams, responses and embeddings through the gateway', async () => {
    const python = openaiPython()
    await journey.bedrock.script({
      match: { operation: 'converse' },
      times: 2,
      scenario: {
        reply: { text: 'Hello from Python.', usage: { inputTokens: 6, outputTokens: 4 } },
      },
    })
    await journey.bedrock.script({
      match: { operation: 'mantle-chat' },
      scenario: { reply: { text: 'One, two, three.', usage: { inputTokens: 5, outputTokens: 6 } } },
    })
    const { stdout } = await run(python, [script], {
      env: {
        PATH: process.env['PATH'],
        OPENAI_BASE_URL: `${journey.gateway.url}/v1`,
        OPENAI_API_KEY: DEMO_KEY,
        JOURNEY_CHAT_MODEL: 'claude',
        JOURNEY_STREAM_MODEL: 'gpt-oss',
        JOURNEY_EMBED_MODEL: 'embed',
      },
      timeout: 60_000,
    })
    const seen = JSON.parse(stdout) as Record<string, unknown>
    expect(seen).toMatchObject({
      chat: {
        model: 'claude',
        content: 'Hello from Python.',
        finish_reason: 'stop',
        usage: { prompt_tokens: 6, completion_tokens: 4, total_tokens: 10 },
        dropped_header: null,
      },
      stream: {
        content: 'One, two, three.',
        usage: { prompt_tokens: 5, completion_tokens: 6, total_tokens: 11 },
      },
      responses: { model: 'claude', status: 'completed', output_text: 'Hello from Python.' },
      responses_stream: { first: 'response.created', last: 'response.completed' },
      responses_stream_completed_model: 'gpt-oss',
      embeddings: { model: 'embed', count: 2, dimensions: [256, 256] },
      unknown_model: { status: 404, code: 'model_not_found' },
    })
    expect(seen['models']).toEqual(['claude', 'embed', 'embed-mantle', 'gpt-oss', 'nova'])

    const operations = (await journey.bedrock.requests()).map((request) => request.operation)
    expect(operations).toEqual([
      'converse',
      'mantle-chat',
      'converse',
      'mantle-responses',
      'invoke-model',
      'invoke-model',
    ])
    const mantle = (await journey.bedrock.requests()).filter((r) =>
      r.operation.startsWith('mantle'),
    )
    expect(mantle.every((request) => request.project === JOURNEY_PROJECT_ID)).toBe(true)
  })

  it('fails with what to run when the venv is missing', () => {
    expect(() =>
      openaiPython({ ...process.env, STRATA_CACHE: '/nonexistent/strata-cache' }),
    ).toThrow(/venv with the official openai client is missing .*Run `make setup`/)
  })
})
