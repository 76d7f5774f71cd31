// What counts as the model's first token in each streaming API: anything but the preamble that an
// adapter sends before the model produced output (a role-only chat chunk; Responses' lifecycle and
// "added" events). resume-stream.ts holds the preamble back until a first token arrives, so the
// first-token deadline and the fallback it triggers are about the model, not the adapter.
import type { ChatCompletionChunk } from '../openai/chat-completions.ts'
import type { ResponseStreamEvent } from '../openai/responses.ts'

export function isFirstChatToken(chunk: ChatCompletionChunk): boolean {
  if (chunk.choices.length === 0) return true
  return chunk.choices.some(
    ({ delta, finish_reason: finish }) =>
      finish != null ||
      (delta.content != null && delta.content !== '') ||
      (delta.refusal != null && delta.refusal !== '') ||
      (delta.tool_calls?.length ?? 0) > 0 ||
      (delta.reasoning_content ?? '') !== '' ||
      (delta.reasoning_signature ?? '') !== '',
  )
}

const responsesPreamble = new Set([
  'response.created',
  'response.in_progress',
  'response.queued',
  'response.output_item.added',
  'response.content_part.added',
  'response.reasoning_summary_part.added',
])

export function isFirstResponsesToken(event: ResponseStreamEvent): boolean {
  return !responsesPreamble.has(event.type)
}
