// The gateway against hostile and malformed input, as real processes (emulator + gateway). For
// every request of test/support/hostile-requests.ts (well over 300, on chat completions,
// responses and embeddings, Converse and Mantle) it asserts four things: never a 5xx; every error
// body OpenAI-shaped; nothing reaches Bedrock for a refused request; and the process still serves
// a good request afterwards. Then the refusals Node makes itself, before the app sees a request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_KEY, startJourney, type Journey } from '../support/journey.ts'
import {
  hostileCases,
  messagesHostileCases,
  type HostileCase,
} from '../support/hostile-requests.ts'
import { rawRequest } from '../support/raw-http.ts'

let journey: Journey

beforeAll(async () => {
  journey = await startJourney('hostile-input')
})

afterAll(async () => {
  await journey.stop()
})

/** What is wrong with an error body, or undefined when it has OpenAI's shape. */
function notOpenAIShaped(text: string): string | undefined {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return `not JSON: ${JSON.stringify(text.slice(0, 80))}`
  }
  const error: unknown =
    typeof body === 'object' && body !== null && 'error' in body ? body.error : undefined
  if (typeof error !== 'object' || error === null) return 'no error object'
  const fields = error as Record<string, unknown>
  if (typeof fields['message'] !== 'string' || fields['message'] === '') return 'no message'
  if (typeof fields['type'] !== 'string') return 'no type'
  for (const name of ['param', 'code'])
    if (fields[name] !== null && typeof fields[name] !== 'string') return `${name} is not a string`
  return undefined
}

const modelCalls = async (): Promise<number> =>
  (await journey.bedrock.requests()).filter((request) => request.modelId !== undefined).length

async function send(
  item: HostileCase,
): Promise<{ status: number; text: string; upstream: number }> {
  const headers = new Headers({
    authorization: `Bearer ${DEMO_KEY}`,
    'content-type': 'application/json',
  })
  for (const [name, value] of Object.entries(item.headers ?? {})) {
    if (value === '') headers.delete(name)
    else headers.set(name, value)
  }
  const before = await modelCalls()
  const response = await fetch(`${journey.gateway.url}${item.path}`, {
    method: item.method ?? 'POST',
    headers,
    ...(item.method === 'GET' ? {} : { body: item.body }),
  })
  const text = await response.text()
  return { status: response.status, text, upstream: (await modelCalls()) - before }
}

const goodChat = () =>
  journey.openai.chat.completions.create({
    model: 'claude',
    messages: [{ role: 'user', content: 'Still there?' }],
  })

describe('hostile requests', () => {
  it('never get a 5xx, always an OpenAI-shaped error, never reach Bedrock when refused', async () => {
    const cases = hostileCases({
      converse: 'claude',
      mantle: 'gpt-oss',
      converseEmbed: 'embed',
      mantleEmbed: 'embed-mantle',
    })
    const problems: string[] = []
    const statuses = new Map<number, number>()
    for (const [index, item] of cases.entries()) {
      if (index % 100 === 0) await journey.bedrock.reset()
      const { status, text, upstream } = await send(item)
      statuses.set(status, (statuses.get(status) ?? 0) + 1)
      if (status >= 500) problems.push(`${item.name}: HTTP ${status} ${text.slice(0, 160)}`)
      if (status < 400) continue
      const shape = notOpenAIShaped(text)
      if (shape !== undefined) problems.push(`${item.name}: HTTP ${status} body ${shape}`)
      if (upstream > 0) problems.push(`${item.name}: refused (${status}) after reaching Bedrock`)
    }
    console.log(
      `[hostile] ${cases.length} requests; statuses ${[...statuses]
        .sort(([a], [b]) => a - b)
        .map(([status, count]) => `${status}×${count}`)
        .join(' ')}`,
    )
    expect(cases.length).toBeGreaterThanOrEqual(300)
    expect(problems).toEqual([])
    const answer = await goodChat()
    expect(answer.choices[0]?.message.content).toEqual(expect.any(String))
  }, 180_000)
})

/** What is wrong with an error body, or undefined when it has Anthropic's shape. */
function notAnthropicShaped(text: string): string | undefined {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return `not JSON: ${JSON.stringify(text.slice(0, 80))}`
  }
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>
  if (fields['type'] !== 'error') return 'no type "error"'
  const error = fields['error'] as Record<string, unknown> | undefined
  if (typeof error?.['type'] !== 'string') return 'no error type'
  if (typeof error['message'] !== 'string' || error['message'] === '') return 'no message'
  return undefined
}

describe("hostile requests on Anthropic's Messages API", () => {
  it('never get a 5xx, always an Anthropic-shaped error, never reach Bedrock when refused', async () => {
    const cases = messagesHostileCases('claude')
    const problems: string[] = []
    for (const [index, item] of cases.entries()) {
      if (index % 100 === 0) await journey.bedrock.reset()
      const { status, text, upstream } = await send(item)
      if (status >= 500) problems.push(`${item.name}: HTTP ${status} ${text.slice(0, 160)}`)
      if (status < 400) continue
      const shape = notAnthropicShaped(text)
      if (shape !== undefined) problems.push(`${item.name}: HTTP ${status} body ${shape}`)
      if (upstream > 0) problems.push(`${item.name}: refused (${status}) after reaching Bedrock`)
    }
    console.log(`[hostile] ${cases.length} requests on /v1/messages`)
    expect(cases.length).toBeGreaterThanOrEqual(150)
    expect(problems).toEqual([])
  }, 180_000)
})

// Node's HTTP parser refuses these before the app sees them (server `clientError` event).
const refusedByNode: readonly (readonly [label: string, status: number, request: string])[] = [
  [
    'oversized headers',
    431,
    `GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
  ],
  ['a malformed request line', 400, 'NOT AN HTTP REQUEST\r\n\r\n'],
  ['a bare LF in a header', 400, 'GET /v1/models HTTP/1.1\r\nHost: x\nX-A: b\r\n\r\n'],
  ['a NUL in a header', 400, 'GET /v1/models HTTP/1.1\r\nHost: x\r\nX-A: b\u0000c\r\n\r\n'],
  [
    'Content-Length with Transfer-Encoding',
    400,
    'POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
  ],
  [
    'a folded (injected) header line',
    400,
    'GET /v1/models HTTP/1.1\r\nHost: x\r\nX-A: b\r\n injected: yes\r\n\r\n',
  ],
]

describe('requests Node refuses itself', () => {
  it.each(refusedByNode)(
    '%s: HTTP %i with an OpenAI-shaped body',
    async (_label, status, request) => {
      const answer = await rawRequest(journey.gateway.url, request)
      expect(answer.status).toBe(status)
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/)
      expect(notOpenAIShaped(answer.body)).toBeUndefined()
      const answerAfter = await goodChat()
      expect(answerAfter.choices).toHaveLength(1)
    },
  )
})

// HTTP/1.0 has no Host header; Node serves such a request, and so must the gateway (its listen
// address stands in for the host).
describe('a request without a Host header', () => {
  it('is served over HTTP/1.0', async () => {
    const answer = await rawRequest(
      journey.gateway.url,
      `GET /v1/models HTTP/1.0\r\nAuthorization: Bearer ${DEMO_KEY}\r\n\r\n`,
    )
    expect(answer.status).toBe(200)
    expect(JSON.parse(answer.body)).toMatchObject({ object: 'list' })
  })
})

// Every 400 names the field and the rule it broke; these once named something else.
describe('refusals that name the field and the rule', () => {
  const refusal = async (path: string, body: unknown) => {
    const before = await modelCalls()
    const response = await fetch(`${journey.gateway.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${DEMO_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    expect(await modelCalls()).toBe(before)
    expect(response.status).toBe(400)
    return ((await response.json()) as { error: { message: string; param: string | null } }).error
  }

  it('empty content on a Bedrock model names the message content', async () => {
    const error = await refusal('/v1/chat/completions', {
      model: 'claude',
      messages: [{ role: 'user', content: '' }],
    })
    expect(error.param).toBe('messages[0].content')
    expect(error.message).toMatch(/messages\[0\]\.content.*empty/)
  })

  it('empty Responses input on a Bedrock model names the input', async () => {
    const error = await refusal('/v1/responses', { model: 'claude', input: '' })
    expect(error.param).toBe('input')
    expect(error.message).toMatch(/'input'.*empty/)
  })

  it('10,000 embedding inputs name the input and its limit', async () => {
    const error = await refusal('/v1/embeddings', {
      model: 'embed',
      input: Array.from({ length: 10_000 }, () => 'x'),
    })
    expect(error.param).toBe('input')
    expect(error.message).toBe(
      "Invalid value for 'input': at most 2048 inputs per request, got 10000.",
    )
  })

  it('background mode on a Converse model says it is not supported there', async () => {
    const error = await refusal('/v1/responses', {
      model: 'claude',
      input: 'Hello',
      background: true,
    })
    expect(error.param).toBe('background')
    expect(error.message).toMatch(/background.*not supported/)
  })
})
