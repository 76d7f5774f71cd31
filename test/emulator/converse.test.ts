import { ConverseCommand, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime'
import { describe, expect, it } from 'vitest'
import { useEmulator } from './use-emulator.ts'
import { bearerClient, collectStream, sigv4Client, userSays } from './sdk-clients.ts'

const modelId = 'anthropic.claude-haiku-4-5-20251001-v1:0'
const emulator = useEmulator()

describe('Converse', () => {
  it('echoes the last user text with word-count usage by default', async () => {
    const out = await sigv4Client(emulator.url).send(
      new ConverseCommand({ modelId, messages: userSays('hello there') }),
    )
    expect(out.output?.message).toEqual({
      role: 'assistant',
      content: [{ text: 'Echo: hello there' }],
    })
    expect(out.stopReason).toBe('end_turn')
    expect(out.usage).toEqual({ inputTokens: 2, outputTokens: 3, totalTokens: 5 })
    expect(out.metrics?.latencyMs).toBeGreaterThanOrEqual(0)
    expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('returns scripted reasoning, text, tool calls and cache usage as content blocks', async () => {
    emulator.script({
      scenario: {
        reply: {
          reasoning: { text: 'Think first.', signature: 'sig-1' },
          text: 'Calling.',
          toolCalls: [{ id: 'tooluse_1', name: 'get_weather', input: { city: 'Paris' } }],
          usage: { inputTokens: 10, outputTokens: 4, cacheReadInputTokens: 6 },
        },
      },
    })
    const out = await sigv4Client(emulator.url).send(
      new ConverseCommand({ modelId, messages: userSays('weather?') }),
    )
    expect(out.output?.message?.content).toEqual([
      { reasoningContent: { reasoningText: { text: 'Think first.', signature: 'sig-1' } } },
      { text: 'Calling.' },
      { toolUse: { toolUseId: 'tooluse_1', name: 'get_weather', input: { city: 'Paris' } } },
    ])
    expect(out.stopReason).toBe('tool_use')
    expect(out.usage).toEqual({
      inputTokens: 10,
      outputTokens: 4,
      totalTokens: 20,
      cacheReadInputTokens: 6,
    })
  })

  it('returns redacted reasoning as bytes', async () => {
    emulator.script({ scenario: { reply: { reasoning: { redacted: 'AQID' }, text: 'ok' } } })
    const out = await sigv4Client(emulator.url).send(
      new ConverseCommand({ modelId, messages: userSays('hi') }),
    )
    const [reasoning] = out.output?.message?.content ?? []
    expect(reasoning?.reasoningContent?.redactedContent).toEqual(new Uint8Array([1, 2, 3]))
  })
})

describe('ConverseStream', () => {
  it('sends text deltas without contentBlockStart and reassembles to the reply', async () => {
    emulator.script({ scenario: { reply: { text: 'The quick brown fox jumps.' }, chunkSize: 5 } })
    const out = await sigv4Client(emulator.url).send(
      new ConverseStreamCommand({ modelId, messages: userSays('go') }),
    )
    const events = await collectStream(out.stream)
    expect(events.map((e) => e.type)).toEqual([
      'messageStart',
      ...Array<string>(6).fill('contentBlockDelta'),
      'contentBlockStop',
      'messageStop',
      'metadata',
    ])
    const text = events.flatMap((e) =>
      e.type === 'contentBlockDelta' ? [(e.value as { delta: { text: string } }).delta.text] : [],
    )
    expect(text.join('')).toBe('The quick brown fox jumps.')
    expect(events.at(-2)?.value).toEqual({ stopReason: 'end_turn' })
    expect(events.at(-1)?.value).toMatchObject({
      usage: { inputTokens: 1, outputTokens: 5, totalTokens: 6 },
      metrics: { latencyMs: expect.any(Number) as number },
    })
  })

  it('streams reasoning with its signature, then tool calls whose input JSON reassembles', async () => {
    const input = { city: 'Paris', units: 'celsius', days: [1, 2] }
    emulator.script({
      scenario: {
        reply: {
          reasoning: { text: 'Need the weather tool.', signature: 'sig-xyz' },
          toolCalls: [
            { id: 'tooluse_a', name: 'get_weather', input },
            { id: 'tooluse_b', name: 'get_time', input: {} },
          ],
        },
        chunkSize: 8,
      },
    })
    const out = await sigv4Client(emulator.url).send(
      new ConverseStreamCommand({ modelId, messages: userSays('weather?') }),
    )
    const events = await collectStream(out.stream)
    const blocks = new Map<number, { start?: unknown; deltas: unknown[]; stopped: boolean }>()
    for (const { type, value } of events) {
      const v = value as { contentBlockIndex?: number; start?: unknown; delta?: unknown }
      if (v.contentBlockIndex === undefined) continue
      const block = blocks.get(v.contentBlockIndex) ?? { deltas: [], stopped: false }
      blocks.set(v.contentBlockIndex, block)
      expect(block.stopped).toBe(false)
      if (type === 'contentBlockStart') block.start = v.start
      if (type === 'contentBlockDelta') block.deltas.push(v.delta)
      if (type === 'contentBlockStop') block.stopped = true
    }
    expect([...blocks.keys()]).toEqual([0, 1, 2])
    const reasoning = blocks.get(0)?.deltas as {
      reasoningContent: { text?: string; signature?: string }
    }[]
    expect(reasoning.map((d) => d.reasoningContent.text ?? '').join('')).toBe(
      'Need the weather tool.',
    )
    expect(reasoning.at(-1)).toEqual({ reasoningContent: { signature: 'sig-xyz' } })
    expect(blocks.get(0)?.start).toBeUndefined()
    expect(blocks.get(1)?.start).toEqual({
      toolUse: { toolUseId: 'tooluse_a', name: 'get_weather' },
    })
    const pieces = blocks.get(1)?.deltas as { toolUse: { input: string } }[]
    expect(pieces.length).toBeGreaterThan(2)
    expect(JSON.parse(pieces.map((d) => d.toolUse.input).join(''))).toEqual(input)
    expect(blocks.get(2)?.start).toEqual({ toolUse: { toolUseId: 'tooluse_b', name: 'get_time' } })
    expect(events.find((e) => e.type === 'messageStop')?.value).toEqual({ stopReason: 'tool_use' })
  })

  it('answers with the eventstream content type and a request id header', async () => {
    const response = await fetch(`${emulator.url}/model/m/converse-stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: userSays('hi') }),
    })
    expect(response.headers.get('content-type')).toBe('application/vnd.amazon.eventstream')
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/)
    const bytes = Buffer.from(await response.arrayBuffer())
    expect(bytes.subarray(12).toString('latin1')).toContain(':event-type')
    expect(bytes.toString('latin1')).toContain('"p":"')
  })

  it('delays the first token by firstTokenDelayMs', async () => {
    emulator.script({ scenario: { firstTokenDelayMs: 150 } })
    const started = performance.now()
    const out = await sigv4Client(emulator.url).send(
      new ConverseStreamCommand({ modelId, messages: userSays('hi') }),
    )
    let firstDeltaAt = 0
    await collectStream(out.stream, (event) => {
      if (event.type === 'contentBlockDelta' && firstDeltaAt === 0) firstDeltaAt = performance.now()
    })
    expect(firstDeltaAt - started).toBeGreaterThanOrEqual(140)
  })
})

describe('recording', () => {
  it.each([
    {
      name: 'SigV4',
      client: () => sigv4Client(emulator.url),
      auth: { kind: 'sigv4', accessKeyId: 'AKIDTEST', region: 'us-east-1', service: 'bedrock' },
    },
    {
      name: 'bearer',
      client: () => bearerClient(emulator.url),
      auth: { kind: 'bearer', token: 'bedrock-api-key-TEST' },
    },
  ])('records $name credentials, headers and body', async ({ client, auth }) => {
    await client().send(new ConverseCommand({ modelId, messages: userSays('hi') }))
    const [record] = emulator.requests()
    expect(record).toMatchObject({
      operation: 'converse',
      method: 'POST',
      path: '/model/anthropic.claude-haiku-4-5-20251001-v1%3A0/converse',
      modelId,
      auth,
      body: { messages: userSays('hi') },
      headers: { 'content-type': 'application/json' },
    })
    expect(record?.aborted).toBeUndefined()
  })

  it('decodes an application inference profile ARN from the path', async () => {
    const arn = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abcd1234efgh'
    emulator.script({ match: { modelId: arn }, scenario: { reply: { text: 'profile ok' } } })
    const out = await sigv4Client(emulator.url).send(
      new ConverseStreamCommand({ modelId: arn, messages: userSays('hi') }),
    )
    await collectStream(out.stream)
    const [record] = emulator.requests()
    expect(record?.modelId).toBe(arn)
    expect(record?.operation).toBe('converse-stream')
    expect(record?.path).toContain('%3A')
    expect(record?.path).toContain('%2F')
    expect(emulator.pendingScenarios()).toEqual([])
  })
})
