// Bodies Bedrock Runtime returns for a planned reply: the Converse JSON response and the
// ConverseStream event sequence (docs/reference/bedrock-runtime.md), in the order real streams use:
// messageStart, reasoning deltas + signature, text deltas (no contentBlockStart for text),
// each tool call as start + partial-JSON deltas + stop, messageStop, metadata.
import type { ReplyPlan } from './converse-reply.ts'

export interface StreamEvent {
  type: string
  body: Record<string, unknown>
}

export function converseResponse(plan: ReplyPlan, latencyMs: number): Record<string, unknown> {
  const content: Record<string, unknown>[] = []
  if (plan.reasoning !== undefined) {
    content.push({
      reasoningContent:
        'redacted' in plan.reasoning
          ? { redactedContent: plan.reasoning.redacted }
          : { reasoningText: { text: plan.reasoning.text, signature: plan.reasoning.signature } },
    })
  }
  if (plan.text !== undefined) content.push({ text: plan.text })
  for (const call of plan.toolCalls) {
    content.push({ toolUse: { toolUseId: call.id, name: call.name, input: call.input } })
  }
  return {
    output: { message: { role: 'assistant', content } },
    stopReason: plan.stopReason,
    usage: plan.usage,
    metrics: { latencyMs },
  }
}

export function chunk(text: string, size: number): string[] {
  const pieces: string[] = []
  for (let at = 0; at < text.length; at += size) pieces.push(text.slice(at, at + size))
  return pieces
}

const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'

/** Bedrock pads event JSON with "p" so frame sizes do not reveal token lengths. */
function padded(type: string, body: Record<string, unknown>): StreamEvent {
  const length = 1 + (JSON.stringify(body).length % alphabet.length)
  return { type, body: { ...body, p: alphabet.slice(0, length) } }
}

export interface StreamOptions {
  chunkSize: number
  /** Read when metadata is reached, so latency covers the whole stream. */
  elapsedMs: () => number
}

export function* converseStreamEvents(
  plan: ReplyPlan,
  options: StreamOptions,
): Generator<StreamEvent> {
  let index = 0
  const delta = (value: Record<string, unknown>): StreamEvent =>
    padded('contentBlockDelta', { contentBlockIndex: index, delta: value })
  const stop = (): StreamEvent => padded('contentBlockStop', { contentBlockIndex: index++ })

  yield padded('messageStart', { role: 'assistant' })
  if (plan.reasoning !== undefined) {
    if ('redacted' in plan.reasoning) {
      yield delta({ reasoningContent: { redactedContent: plan.reasoning.redacted } })
    } else {
      for (const piece of chunk(plan.reasoning.text, options.chunkSize)) {
        yield delta({ reasoningContent: { text: piece } })
      }
      yield delta({ reasoningContent: { signature: plan.reasoning.signature } })
    }
    yield stop()
  }
  if (plan.text !== undefined) {
    for (const piece of chunk(plan.text, options.chunkSize)) yield delta({ text: piece })
    yield stop()
  }
  for (const call of plan.toolCalls) {
    yield padded('contentBlockStart', {
      contentBlockIndex: index,
      start: { toolUse: { toolUseId: call.id, name: call.name } },
    })
    const input = JSON.stringify(call.input)
    // Several pieces even for small inputs, so clients must really reassemble the JSON.
    const size = Math.min(options.chunkSize, Math.max(1, Math.ceil(input.length / 3)))
    for (const piece of chunk(input, size)) yield delta({ toolUse: { input: piece } })
    yield stop()
  }
  yield padded('messageStop', { stopReason: plan.stopReason })
  yield padded('metadata', { usage: plan.usage, metrics: { latencyMs: options.elapsedMs() } })
}
