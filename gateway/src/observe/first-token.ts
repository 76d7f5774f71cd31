// Which stream items carry generated output, for time to first token. A stream opens with items
// that carry none (the role chunk of Converse's messageStart, `response.created`), which can
// arrive before the model has produced anything; timing those would flatter the model.
import type { ChatCompletionChunk } from '../openai/chat-completion-response.ts'
import type { ResponseStreamEvent } from '../openai/responses.ts'

export function chatChunkHasToken(chunk: ChatCompletionChunk): boolean {
  return chunk.choices.some(({ delta }) =>
    Boolean(
      delta.content ||
      delta.reasoning_content ||
      delta.refusal ||
      (delta.tool_calls !== undefined && delta.tool_calls.length > 0),
    ),
  )
}

/** Text, reasoning, refusal and tool-argument deltas all end in `.delta`. */
export function responsesEventHasToken(event: ResponseStreamEvent): boolean {
  return event.type.endsWith('.delta')
}
