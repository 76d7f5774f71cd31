// The converse backend, lean client included, against the project's Bedrock emulator
// (test/emulator), which speaks the real Converse JSON and event-stream wire formats.
import { describe, expect, it } from 'vitest'
import { useEmulatorClient } from '../../test-support/emulator-client.ts'
import { parseChatCompletionRequest, type ChatCompletionChunk } from '../openai/chat-completions.ts'
import { createConverseClient } from '../upstream/converse-client.ts'
import type { ChatCallContext } from './chat-backend.ts'
import type { BackendTarget } from './backend-target.ts'
import { createConverseBackend } from './converse-backend.ts'

const use = useEmulatorClient(createConverseClient)

const modelId = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0'
const target: BackendTarget = { kind: 'converse', modelId, region: 'us-east-1' }
const context = (signal = new AbortController().signal): ChatCallContext => ({
  id: 'chatcmpl-e2e',
  created: 1,
  model: 'gpt-4o',
  signal,
})
const request = (body: Record<string, unknown> = {}) =>
  parseChatCompletionRequest({
    model: 'gpt-4o',
    messages: [{ role: 'user', content: 'Hello' }],
    ...body,
  })

describe('converse backend against the emulator', () => {
  it('completes a scripted reply with tool calls and reasoning', async () => {
    use.emulator.script({
      scenario: {
        reply: {
          text: 'Checking.',
          reasoning: { text: 'Need the weather.', signature: 'sig-1' },
          toolCalls: [{ id: 'tooluse_1', name: 'get_weather', input: { city: 'Oslo' } }],
          stopReason: 'tool_use',
          usage: { inputTokens: 20, outputTokens: 9, cacheReadInputTokens: 4 },
        },
      },
    })
    const backend = createConverseBackend({ client: use.client })
    const body = request({
      tools: [
        { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } },
      ],
    })
    const completion = await backend.complete(body, target, context())
    expect(completion.choices[0]).toMatchObject({
      finish_reason: 'tool_calls',
      message: {
        content: 'Checking.',
        reasoning_content: 'Need the weather.',
        reasoning_signature: 'sig-1',
        tool_calls: [
          {
            id: 'tooluse_1',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
          },
        ],
      },
    })
    expect(completion.usage).toMatchObject({
      prompt_tokens: 24,
      completion_tokens: 9,
      prompt_tokens_details: { cached_tokens: 4 },
    })
    const [recorded] = use.emulator.requests()
    expect(recorded?.modelId).toBe(modelId)
    expect(recorded?.auth).toMatchObject({ kind: 'sigv4' })
  })

  it('streams a scripted reply in small deltas and ends with usage', async () => {
    use.emulator.script({
      scenario: { reply: { text: 'The quick brown fox jumps over the lazy dog.' }, chunkSize: 5 },
    })
    const chunks = await Array.fromAsync(
      createConverseBackend({ client: use.client }).stream(
        request({ stream: true }),
        target,
        context(),
      ),
    )
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')
    expect(text).toBe('The quick brown fox jumps over the lazy dog.')
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop')
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: expect.any(Number) as number },
    })
  })

  it("tells Bedrock's own stop reason once, answering finish_reason length for a full context window", async () => {
    const backend = createConverseBackend({ client: use.client })
    const heard: string[] = []
    const listening = { ...context(), onStopReason: (reason: string) => heard.push(reason) }
    const scripted = {
      scenario: { reply: { stopReason: 'model_context_window_exceeded' as const } },
    }
    use.emulator.script(scripted)
    const completion = await backend.complete(request(), target, listening)
    expect(completion.choices[0]?.finish_reason).toBe('length')
    expect(heard).toEqual(['model_context_window_exceeded'])
    use.emulator.script({ ...scripted, scenario: { ...scripted.scenario, chunkSize: 2 } })
    const chunks = await Array.fromAsync(
      backend.stream(request({ stream: true }), target, listening),
    )
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('length')
    expect(heard).toEqual(['model_context_window_exceeded', 'model_context_window_exceeded'])
  })

  it('tells a malformed stop reason before it becomes the error', async () => {
    use.emulator.script({ scenario: { reply: { stopReason: 'malformed_tool_use' } } })
    const heard: string[] = []
    const listening = { ...context(), onStopReason: (reason: string) => heard.push(reason) }
    await expect(
      createConverseBackend({ client: use.client }).complete(request(), target, listening),
    ).rejects.toMatchObject({ status: 500, upstreamType: 'malformed_tool_use' })
    expect(heard).toEqual(['malformed_tool_use'])
  })

  it('maps throttling before the stream starts to a 429', async () => {
    use.emulator.script({
      scenario: { fault: { kind: 'error', exception: 'ThrottlingException' } },
    })
    await expect(
      Array.fromAsync(
        createConverseBackend({ client: use.client }).stream(request(), target, context()),
      ),
    ).rejects.toMatchObject({ status: 429, type: 'rate_limit_error' })
  })

  it('raises a mid-stream exception after the chunks before it', async () => {
    use.emulator.script({
      scenario: {
        reply: { text: 'abcdefghij' },
        chunkSize: 2,
        fault: {
          kind: 'midStreamException',
          afterEvents: 3,
          exception: 'modelStreamErrorException',
        },
      },
    })
    const seen: ChatCompletionChunk[] = []
    const error = await (async () => {
      for await (const chunk of createConverseBackend({ client: use.client }).stream(
        request(),
        target,
        context(),
      ))
        seen.push(chunk)
    })().catch((caught: unknown) => caught)
    expect(error).toMatchObject({ status: 502, type: 'api_error', code: 'model_error' })
    expect(seen.length).toBeGreaterThan(0)
    expect(
      seen.some(
        (chunk) =>
          chunk.choices[0]?.finish_reason !== null && chunk.choices[0]?.finish_reason !== undefined,
      ),
    ).toBe(false)
  })

  it('reaches the emulator with the use.client disconnect', async () => {
    use.emulator.script({
      scenario: { reply: { text: 'x'.repeat(200) }, chunkSize: 1, tokenDelayMs: 20 },
    })
    const controller = new AbortController()
    const error = await (async () => {
      for await (const chunk of createConverseBackend({ client: use.client }).stream(
        request(),
        target,
        context(controller.signal),
      )) {
        if (chunk.choices[0]?.delta.content !== undefined) controller.abort()
      }
    })().catch((caught: unknown) => caught)
    expect(error).toMatchObject({ status: 499 })
    await expect.poll(() => use.emulator.requests()[0]?.aborted).toBe(true)
  })
})
