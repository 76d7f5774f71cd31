// One streamed chat completion, read to its end. A stream counts as complete only when a chunk
// carried a finish_reason: the SDK ends quietly when the connection closes early, so a stream
// cut between two chunks would otherwise look like a short answer.
import type OpenAI from 'openai'

/** `started`: the gateway answered 200 and the stream began; `complete`: it also finished. */
export type StreamOutcome =
  | { started: true; complete: true; chunks: number; text: string }
  | { started: boolean; complete: false; chunks: number; error: string }

export async function readChatStream(
  client: OpenAI,
  model: string,
  content: string,
): Promise<StreamOutcome> {
  let chunks = 0
  let text = ''
  let finished = false
  let started = false
  try {
    const stream = await client.chat.completions.create({
      model,
      messages: [{ role: 'user', content }],
      stream: true,
    })
    started = true
    for await (const chunk of stream) {
      chunks += 1
      const choice = chunk.choices[0]
      text += choice?.delta.content ?? ''
      if (choice?.finish_reason != null) finished = true
    }
  } catch (error) {
    return { started, complete: false, chunks, error: errorMessage(error) }
  }
  if (!finished) {
    return { started, complete: false, chunks, error: 'stream ended without a finish_reason' }
  }
  return { started, complete: true, chunks, text }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
