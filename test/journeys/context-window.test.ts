// An answer cut off by a full context window, seen from outside: the `openai` and Anthropic clients
// against strata-gateway and the Bedrock emulator as real processes, with Claude scripted to end
// every answer with Bedrock's stop reason model_context_window_exceeded. Each client gets its own
// API's words for it, and the gateway counts every one in the per-backend stop-reason series that
// the rollout's contextOverflow gate reads (docs/rollouts.md), apart from max_tokens.
import Anthropic from '@anthropic-ai/sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually } from '../support/kube.ts'
import { CLAUDE_MODEL_ID, DEMO_KEY, startJourney, type Journey } from '../support/journey.ts'
import { fromLog } from '../support/processes.ts'

const windowFull = 'model_context_window_exceeded'
const question = [{ role: 'user' as const, content: 'Tell me everything.' }]

let journey: Journey
let anthropic: Anthropic

beforeAll(async () => {
  journey = await startJourney('context-window')
  anthropic = new Anthropic({
    baseURL: journey.gateway.url,
    apiKey: DEMO_KEY,
    maxRetries: 0,
    timeout: 20_000,
  })
})

afterAll(async () => {
  await journey.stop()
})

/** strata_gateway_backend_stop_reasons_total of route default/claude's only backend. */
async function stopsCounted(stopReason: string): Promise<number | undefined> {
  const text = await (await fetch(`${journey.gateway.url}/metrics`)).text()
  const line = text
    .split('\n')
    .find(
      (candidate) =>
        candidate.startsWith('strata_gateway_backend_stop_reasons_total{') &&
        candidate.includes('route="default/claude"') &&
        candidate.includes(`stop_reason="${stopReason}"`),
    )
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1))
}

describe('an answer that fills the context window', () => {
  it("reaches each client in its API's words and is counted once per answer on every path", async () => {
    const { bedrock, openai } = journey
    await bedrock.behave(CLAUDE_MODEL_ID, { stopReason: windowFull })
    expect(await stopsCounted(windowFull)).toBeUndefined()

    // Chat Completions: OpenAI's word for a cut-off answer is "length".
    const completion = await openai.chat.completions.create({ model: 'claude', messages: question })
    expect(completion.choices[0]?.finish_reason).toBe('length')
    const chunks = await Array.fromAsync(
      await openai.chat.completions.create({ model: 'claude', messages: question, stream: true }),
    )
    expect(chunks.flatMap((chunk) => chunk.choices.map((c) => c.finish_reason))).toContain('length')

    // Responses: incomplete, for want of room to write.
    const response = await openai.responses.create({ model: 'claude', input: 'Tell me.' })
    expect(response).toMatchObject({
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
    })
    const events = await Array.fromAsync(
      await openai.responses.create({ model: 'claude', input: 'Tell me.', stream: true }),
    )
    expect(events.at(-1)?.type).toBe('response.incomplete')

    // Messages: Anthropic's own stop reason, passed through as Claude gave it.
    const message = await anthropic.messages.create({
      model: 'claude',
      max_tokens: 256,
      messages: question,
    })
    expect(message.stop_reason).toBe(windowFull)
    const streamed = await anthropic.messages
      .stream({ model: 'claude', max_tokens: 256, messages: question })
      .finalMessage()
    expect(streamed.stop_reason).toBe(windowFull)

    // Six answers, six stops: a stream's record closes just after its client read the end.
    await eventually('six window stops counted', async () =>
      (await stopsCounted(windowFull)) === 6 ? true : undefined,
    )
    const lines = await fromLog(journey.gateway, 'six access lines with the stop reason', (log) => {
      const stopped = log
        .split('\n')
        .filter((line) => line.startsWith('{') && line.includes('"message":"access"'))
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((entry) => entry['stopReason'] === windowFull)
      return stopped.length >= 6 ? stopped : undefined
    })
    expect(lines.map((line) => `${String(line['operation'])}/${String(line['stream'])}`)).toEqual(
      expect.arrayContaining([
        'chat/false',
        'chat/true',
        'responses/false',
        'responses/true',
        'messages/false',
        'messages/true',
      ]),
    )

    // max_tokens gives the client the same "length", but it is not a full window.
    await bedrock.behave(CLAUDE_MODEL_ID, { stopReason: 'max_tokens' })
    const capped = await openai.chat.completions.create({ model: 'claude', messages: question })
    expect(capped.choices[0]?.finish_reason).toBe('length')
    await bedrock.behave(CLAUDE_MODEL_ID, {})
    expect(await stopsCounted(windowFull)).toBe(6)
    expect(await stopsCounted('max_tokens')).toBeUndefined()
  }, 60_000)
})
