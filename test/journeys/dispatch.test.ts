// Journeys of the dispatch layer with the official `openai` client against real processes: what a
// reasoning effort becomes on Converse and Mantle (read back from the emulator's request log),
// dropped parameters announced on lenient routes and refused on strict ones, keep-alive comments
// while the model is silent, and one alias moved from Mantle to Converse by editing the table.
import { writeFile } from 'node:fs/promises'
import { APIError } from 'openai'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { eventually } from '../support/kube.ts'
import { fromLog } from '../support/processes.ts'
import {
  CLAUDE_MODEL_ID,
  DEMO_KEY,
  GPT_OSS_MODEL_ID,
  journeyTable,
  startJourney,
  TITAN_EMBED_MODEL_ID,
  type Journey,
} from '../support/journey.ts'

const CLAUDE_45_MODEL_ID = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0'
const KEEP_ALIVE_MS = 200

interface TableRoute {
  name: string
  namespace: string
  model: string
  backends: { kind: string; modelId: string; region: string }[]
  [field: string]: unknown
}
interface Table {
  version: number
  projects: { routes: TableRoute[] }[]
}

const converse = (modelId: string) => ({ kind: 'converse', modelId, region: 'us-east-1' })
const mantle = (modelId: string) => ({ kind: 'mantle', modelId, region: 'us-east-1' })
const route = (model: string, backend: TableRoute['backends'][number], extra = {}) => ({
  name: model,
  namespace: 'default',
  model,
  backends: [backend],
  ...extra,
})

function dispatchTable(switchTo: 'mantle' | 'converse', version = 1): Table {
  const table = journeyTable() as Table
  table.version = version
  table.projects[0]?.routes.push(
    route('claude-45', converse(CLAUDE_45_MODEL_ID)),
    route('claude-45-default', converse(CLAUDE_45_MODEL_ID), {
      defaults: { reasoningEffort: 'medium' },
    }),
    route('strict', converse(CLAUDE_MODEL_ID), { strict: true }),
    route('embed-strict', converse(TITAN_EMBED_MODEL_ID), { strict: true }),
    route('slow', converse(CLAUDE_MODEL_ID), { limits: { timeoutMs: 1500 } }),
    route('switch', switchTo === 'mantle' ? mantle(GPT_OSS_MODEL_ID) : converse(CLAUDE_MODEL_ID)),
  )
  return table
}

let journey: Journey

beforeAll(async () => {
  journey = await startJourney('dispatch', {
    table: dispatchTable('mantle'),
    gatewayArgs: ['--keep-alive-ms', String(KEEP_ALIVE_MS)],
  })
})

afterAll(async () => {
  await journey.stop()
})

beforeEach(async () => {
  await journey.bedrock.reset()
})

const hello = [{ role: 'user' as const, content: 'Hello' }]

async function lastBody(): Promise<Record<string, unknown>> {
  const request = (await journey.bedrock.requests()).at(-1)
  return (request?.body ?? {}) as Record<string, unknown>
}

describe('reasoning effort, as it reaches Bedrock', () => {
  it('becomes a thinking budget on Claude 4.5, lowered to half of max tokens', async () => {
    await journey.openai.chat.completions.create({
      model: 'claude-45',
      messages: hello,
      reasoning_effort: 'high',
      max_completion_tokens: 10_000,
    })
    // high is 16 384 thinking tokens; the route lets reasoning take 50 % of 10 000, so low (2 048).
    expect(await lastBody()).toMatchObject({
      inferenceConfig: { maxTokens: 10_000 },
      additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: 2048 } },
    })
  })

  it('drops a thinking budget that cannot fit a small max, rather than fail upstream', async () => {
    // 50 % of 1500 is below Claude's 1024-token minimum, which Bedrock (and the emulator) refuse.
    const { data, response } = await journey.openai.chat.completions
      .create({
        model: 'claude-45',
        messages: hello,
        reasoning_effort: 'low',
        max_completion_tokens: 1500,
      })
      .withResponse()
    expect(response.headers.get('x-strata-dropped-params')).toBe('reasoning_effort')
    expect(data.choices[0]?.message.content).toBeTruthy()
    expect(await lastBody()).not.toHaveProperty('additionalModelRequestFields')
  })

  it("applies the route's default effort and sizes max tokens so visible output keeps half", async () => {
    await journey.openai.chat.completions.create({ model: 'claude-45-default', messages: hello })
    expect(await lastBody()).toMatchObject({
      inferenceConfig: { maxTokens: 16_384 },
      additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: 8192 } },
    })
  })

  it('becomes adaptive thinking with an effort on Claude 4.6, minimal read as low', async () => {
    await journey.openai.chat.completions.create({
      model: 'claude',
      messages: hello,
      reasoning_effort: 'minimal',
    })
    expect(await lastBody()).toMatchObject({
      additionalModelRequestFields: { thinking: { type: 'adaptive' } },
      outputConfig: { effort: 'low' },
    })
  })

  it("is put in Mantle's vocabulary for gpt-oss, on chat and on responses", async () => {
    await journey.openai.chat.completions.create({
      model: 'gpt-oss',
      messages: hello,
      reasoning_effort: 'minimal',
    })
    expect(await lastBody()).toMatchObject({ reasoning_effort: 'low' })
    await journey.openai.responses.create({
      model: 'gpt-oss',
      input: 'Hello',
      reasoning: { effort: 'xhigh' },
    })
    expect(await lastBody()).toMatchObject({ reasoning: { effort: 'high' } })
  })
})

describe('parameters a backend cannot honour', () => {
  it('are announced on a lenient route and never reach Bedrock', async () => {
    const count = (log: string) => log.match(/not honoured by the backend/g)?.length ?? 0
    const before = count(await journey.gateway.log())
    const chat = await journey.openai.chat.completions
      .create({
        model: 'nova',
        messages: hello,
        reasoning_effort: 'high',
        prompt_cache_key: 'support',
      })
      .withResponse()
    expect(chat.response.headers.get('x-strata-dropped-params')).toBe(
      'prompt_cache_key, reasoning_effort',
    )
    expect(await lastBody()).not.toHaveProperty('additionalModelRequestFields')
    const responses = await journey.openai.responses
      .create({ model: 'nova', input: 'Hello', reasoning: { effort: 'high' } })
      .withResponse()
    expect(responses.response.headers.get('x-strata-dropped-params')).toBe('reasoning.effort')
    const streamed = await journey.openai.responses
      .create({ model: 'nova', input: 'Hello', reasoning: { effort: 'low' }, stream: true })
      .withResponse()
    expect(streamed.response.headers.get('x-strata-dropped-params')).toBe('reasoning.effort')
    const types: string[] = []
    for await (const event of streamed.data) types.push(event.type)
    expect(types.at(-1)).toBe('response.completed')
    const announced = await fromLog(journey.gateway, 'three announcements', (log) =>
      count(log) - before >= 3 ? count(log) - before : undefined,
    )
    expect(announced).toBe(3)
  })

  it('are refused with 400 unsupported_parameter on a strict route', async () => {
    const failure: unknown = await journey.openai.chat.completions
      .create({ model: 'strict', messages: hello, prompt_cache_key: 'support' })
      .catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(APIError)
    expect(failure).toMatchObject({
      status: 400,
      type: 'invalid_request_error',
      code: 'unsupported_parameter',
      param: 'prompt_cache_key',
    })
    const embedding: unknown = await journey.openai.embeddings
      .create({ model: 'embed-strict', input: 'Hello', user: 'someone' })
      .catch((error: unknown) => error)
    expect(embedding).toMatchObject({ status: 400, code: 'unsupported_parameter', param: 'user' })
    const responses: unknown = await journey.openai.responses
      .create({
        model: 'strict',
        input: [
          {
            role: 'user',
            content: [
              {
                type: 'input_image',
                image_url: 'data:image/png;base64,iVBORw0KGgo=',
                detail: 'high',
              },
            ],
          },
        ],
      })
      .catch((error: unknown) => error)
    expect(responses).toMatchObject({
      status: 400,
      code: 'unsupported_parameter',
      param: 'input[].content[].detail',
    })
    expect(await journey.bedrock.requests()).toEqual([])
    // What the backend honours still passes on a strict route.
    const answer = await journey.openai.chat.completions.create({
      model: 'strict',
      messages: hello,
    })
    expect(answer.choices[0]?.message.content).toBeTruthy()
  })
})

// The raw SSE text of a streamed chat completion, comments included.
async function rawStream(model: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${journey.gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${DEMO_KEY}` },
    body: JSON.stringify({ model, messages: hello, stream: true }),
  })
  return { status: response.status, text: await response.text() }
}

const blocks = (text: string) => text.split('\n\n').filter((block) => block !== '')

describe('keep-alives while the model is silent', () => {
  it('sends SSE comments during a slow first token, which the client skips', async () => {
    // Ten intervals of silence for three comments: a gateway starved of CPU fires its keep-alive
    // timer late, and a silence of five intervals could then hold only two.
    await journey.bedrock.script({
      scenario: { reply: { text: 'Thought about it.' }, firstTokenDelayMs: 10 * KEEP_ALIVE_MS },
    })
    const { status, text } = await rawStream('claude')
    expect(status).toBe(200)
    const seen = blocks(text)
    const comments = seen.filter((block) => block.startsWith(':'))
    expect(comments.length).toBeGreaterThanOrEqual(3)
    expect(comments.every((block) => block === ': keep-alive')).toBe(true)
    expect(seen.at(-1)).toBe('data: [DONE]')

    await journey.bedrock.script({
      scenario: { reply: { text: 'Thought about it.' }, firstTokenDelayMs: 3 * KEEP_ALIVE_MS },
    })
    const stream = await journey.openai.chat.completions.create({
      model: 'claude',
      messages: hello,
      stream: true,
    })
    let content = ''
    for await (const chunk of stream) content += chunk.choices[0]?.delta.content ?? ''
    expect(content).toBe('Thought about it.')
  })

  it('sends them before the first byte too, then reports the timeout as an error event', async () => {
    await journey.bedrock.script({ scenario: { fault: { kind: 'hang' } } })
    const { status, text } = await rawStream('slow')
    expect(status).toBe(200)
    const seen = blocks(text)
    const firstData = seen.findIndex((block) => block.startsWith('data:'))
    expect(firstData).toBeGreaterThanOrEqual(3)
    expect(seen.slice(0, firstData).every((block) => block === ': keep-alive')).toBe(true)
    expect(JSON.parse(seen.at(-1)?.replace(/^data: /, '') ?? '')).toMatchObject({
      error: { type: 'timeout_error', code: 'upstream_timeout' },
    })
  })
})

describe('one alias, moved from Mantle to Converse by editing the routing table', () => {
  const ask = async () => {
    const chat = await journey.openai.chat.completions.create({
      model: 'switch',
      messages: hello,
      reasoning_effort: 'low',
    })
    const response = await journey.openai.responses.create({ model: 'switch', input: 'Hello' })
    return { chat: chat.model, responses: response.model, text: response.output_text }
  }

  it('serves the same client code from either backend', async () => {
    const before = await ask()
    expect(before).toMatchObject({ chat: 'switch', responses: 'switch' })
    expect((await journey.bedrock.requests()).map((request) => request.operation)).toEqual([
      'mantle-chat',
      'mantle-responses',
    ])

    await writeFile(journey.gateway.routesFile, JSON.stringify(dispatchTable('converse', 2)))
    await eventually('version 2 in service', async () => {
      const ready = await fetch(`${journey.gateway.url}/readyz`)
      const body = (await ready.json()) as { routingTableVersion?: unknown }
      return body.routingTableVersion === 2 ? true : undefined
    })
    await journey.bedrock.reset()
    const after = await ask()
    expect(after).toMatchObject({ chat: 'switch', responses: 'switch' })
    expect(after.text).toBeTruthy()
    const requests = await journey.bedrock.requests()
    expect(requests.map((request) => request.operation)).toEqual(['converse', 'converse'])
    expect(requests[0]).toMatchObject({
      modelId: CLAUDE_MODEL_ID,
      body: { outputConfig: { effort: 'low' } },
    })
  })
})
