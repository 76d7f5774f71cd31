// ConverseStream bytes → chat completion chunks, one step per network read: decoding, validation,
// the guardrail watch and translation are synchronous, so the only asynchronous steps left are
// the read and each chunk handed on. Stacked async generators (one per layer) cost promises per
// layer and event, a visible share of the gateway's CPU at a thousand concurrent streams.
import type { GuardrailTarget } from '../guardrails/guardrail-target.ts'
import { watchConverseStream } from '../guardrails/converse-guardrail.ts'
import type { ChatCompletionChunk } from '../openai/chat-completions.ts'
import { converseEventBatches } from '../streaming/converse-stream-events.ts'
import type { ChatResponseContext } from '../translators/openai-to-converse/response.ts'
import { chatChunkTranslator } from '../translators/openai-to-converse/stream.ts'

export async function* converseChatChunks(
  bytes: AsyncIterable<Uint8Array>,
  context: ChatResponseContext,
  guardrail?: GuardrailTarget,
): AsyncGenerator<ChatCompletionChunk> {
  const translator = chatChunkTranslator(context)
  const watch = guardrail === undefined ? undefined : watchConverseStream(guardrail)
  for await (const events of converseEventBatches(bytes)) {
    for (const event of events) {
      watch?.see(event)
      for (const chunk of translator.push(event)) yield chunk
    }
  }
  watch?.end()
  translator.end()
}
