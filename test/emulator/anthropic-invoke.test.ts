// Claude's Anthropic bodies through the real AWS SDK: InvokeModel, InvokeModelWithResponseStream
// (chunk events with base64 JSON, decoded by the SDK) and CountTokens.
import {
  CountTokensCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
  ValidationException,
} from '@aws-sdk/client-bedrock-runtime'
import { describe, expect, it } from 'vitest'
import { thinkingSignature } from './anthropic-validation.ts'
import { sigv4Client } from './sdk-clients.ts'
import { useEmulator } from './use-emulator.ts'

const claude = 'us.anthropic.claude-sonnet-4-6'
const emulator = useEmulator()
const base = { anthropic_version: 'bedrock-2023-05-31', max_tokens: 2048 }

async function invoke(body: unknown): Promise<Record<string, unknown>> {
  const out = await sigv4Client(emulator.url).send(
    new InvokeModelCommand({
      modelId: claude,
      contentType: 'application/json',
      body: JSON.stringify(body),
    }),
  )
  return JSON.parse(new TextDecoder().decode(out.body)) as Record<string, unknown>
}

async function stream(body: unknown): Promise<Record<string, unknown>[]> {
  const out = await sigv4Client(emulator.url).send(
    new InvokeModelWithResponseStreamCommand({
      modelId: claude,
      contentType: 'application/json',
      body: JSON.stringify(body),
    }),
  )
  const events: Record<string, unknown>[] = []
  for await (const part of out.body ?? []) {
    if (part.chunk?.bytes !== undefined)
      events.push(JSON.parse(new TextDecoder().decode(part.chunk.bytes)) as Record<string, unknown>)
  }
  return events
}

describe('Claude through InvokeModel', () => {
  it('answers one Message, echoing the last user text by default', async () => {
    const message = await invoke({ ...base, messages: [{ role: 'user', content: 'hello there' }] })
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-6',
      content: [{ type: 'text', text: 'Echo: hello there' }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 2, output_tokens: 3 },
    })
    expect(String(message['id'])).toMatch(/^msg_bdrk_/)
  })

  it('signs its thinking, and accepts it back only unchanged', async () => {
    emulator.script({
      scenario: { reply: { reasoning: { text: 'Think.', signature: 'x' }, text: 'Done.' } },
    })
    const request = {
      ...base,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      messages: [{ role: 'user', content: 'why?' }],
    }
    const first = await invoke(request)
    const content = first['content'] as Record<string, unknown>[]
    expect(content[0]).toEqual({
      type: 'thinking',
      thinking: 'Think.',
      signature: thinkingSignature('Think.'),
    })
    const replay = {
      ...request,
      messages: [
        ...request.messages,
        { role: 'assistant', content },
        { role: 'user', content: 'go on' },
      ],
    }
    await expect(invoke(replay)).resolves.toMatchObject({ type: 'message' })
    const tampered = structuredClone(replay)
    ;(tampered.messages[1]?.content as Record<string, unknown>[])[0] = {
      ...content[0],
      thinking: 'Other.',
    }
    await expect(invoke(tampered)).rejects.toThrow(/Invalid `signature` in `thinking` block/)
  })

  it('refuses what Bedrock refuses: a model key, an unknown beta, a stray tool_result', async () => {
    const messages = [{ role: 'user', content: 'hi' }]
    await expect(invoke({ ...base, model: 'claude', messages })).rejects.toThrow(
      /extraneous key \[model\]/,
    )
    await expect(
      invoke({ ...base, anthropic_beta: ['claude-code-20250219'], messages }),
    ).rejects.toThrow(ValidationException)
    const stray = [
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_x', content: 'r' }] },
    ]
    await expect(invoke({ ...base, messages: stray })).rejects.toThrow(/unexpected `tool_use_id`/)
  })
})

describe('Claude through InvokeModelWithResponseStream', () => {
  it('streams the Messages events in order, with invocation metrics on message_stop', async () => {
    emulator.script({
      scenario: {
        reply: {
          toolCalls: [{ id: 'toolu_1', name: 'read', input: { path: 'a.txt' } }],
          text: 'Reading.',
        },
        chunkSize: 4,
      },
    })
    const events = await stream({ ...base, messages: [{ role: 'user', content: 'read a.txt' }] })
    expect(events.map((event) => event['type'])).toEqual([
      'message_start',
      'content_block_start',
      ...Array<string>(2).fill('content_block_delta'),
      'content_block_stop',
      'content_block_start',
      ...Array<string>(4).fill('content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ])
    expect(events[5]).toMatchObject({
      content_block: { type: 'tool_use', id: 'toolu_1', name: 'read', input: {} },
    })
    const json = events
      .filter(
        (event) => (event['delta'] as { type?: string } | undefined)?.type === 'input_json_delta',
      )
      .map((event) => (event['delta'] as { partial_json: string }).partial_json)
      .join('')
    expect(JSON.parse(json)).toEqual({ path: 'a.txt' })
    expect(events.at(-2)).toMatchObject({ delta: { stop_reason: 'tool_use' } })
    expect(events.at(-1)).toMatchObject({
      'amazon-bedrock-invocationMetrics': { inputTokenCount: 2 },
    })
  })
})

describe('CountTokens', () => {
  it('counts an invokeModel body as InvokeModel would', async () => {
    const body = {
      ...base,
      system: 'be brief',
      messages: [{ role: 'user', content: 'one two three' }],
    }
    const out = await sigv4Client(emulator.url).send(
      new CountTokensCommand({
        modelId: 'anthropic.claude-sonnet-4-6',
        input: { invokeModel: { body: new TextEncoder().encode(JSON.stringify(body)) } },
      }),
    )
    expect(out.inputTokens).toBe(5)
    expect((await invoke(body))['usage']).toMatchObject({ input_tokens: 5 })
  })
})
