// Mantle's SSE `data` payloads → ChatCompletionChunks, layers 2 and 3 of 4 of our Mantle streaming
// (layer 1 is streaming/sse-decoder.ts, layer 4 streaming/sse.ts). Chunks are relayed one by one
// as Mantle sent them, with `model` set back to the client's alias.
// Reference: https://platform.openai.com/docs/api-reference/chat-streaming/streaming and
// bedrock-api.md §1.5: chunks, then `[DONE]`; a failure is one `data: {"error":…}` and no `[DONE]`.
//
// Contract kept for the HTTP layer (backends/chat-backend.ts): the stream ends with exactly one
// usage chunk (`choices: []`). The request always asked for usage, so a usage object riding on a
// chunk with choices is split off into its own chunk, and `usage: null` on the other chunks is
// dropped unless the client asked for usage itself (OpenAI omits the key then). A stream that
// ends without `[DONE]` or without usage is incomplete: a 502 after the chunks already relayed.
import { GatewayError, invalidResponse } from '../../errors/gateway-error.ts'
import { mantleStreamError } from '../../errors/mantle-errors.ts'
import type { ChatCompletionChunk } from '../../openai/chat-completions.ts'
import { mantleChunkSchema } from './shapes.ts'

export interface MantleStreamContext {
  /** The alias the client sent, echoed back as `model`. */
  model: string
  /** The client's own `stream_options.include_usage`. */
  clientWantsUsage: boolean
}

const doneMarker = '[DONE]'

function incompleteStream(what: string): GatewayError {
  return new GatewayError(502, 'api_error', `The model provider's stream ended ${what}.`, {
    code: 'upstream_incomplete_stream',
  })
}

function parsePayload(payload: string): unknown {
  try {
    return JSON.parse(payload) as unknown
  } catch (error) {
    throw invalidResponse('The model provider sent an unreadable stream event.', error)
  }
}

const hasError = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && 'error' in value && value.error != null

/** toChatCompletionChunks relays chunks as they come; it throws GatewayErrors for failures. */
export async function* toChatCompletionChunks(
  payloads: AsyncIterable<string>,
  context: MantleStreamContext,
): AsyncGenerator<ChatCompletionChunk> {
  let usage: ChatCompletionChunk | undefined
  for await (const payload of payloads) {
    if (payload.trim() === doneMarker) {
      if (usage === undefined) throw incompleteStream('without token usage')
      yield usage
      return
    }
    const json = parsePayload(payload)
    if (hasError(json)) throw mantleStreamError(json)
    const parsed = mantleChunkSchema.safeParse(json)
    if (!parsed.success)
      throw invalidResponse('The model provider sent an invalid stream event.', parsed.error)
    // The checked fields are what the HTTP layer reads; the rest is relayed as sent.
    const chunk: ChatCompletionChunk = { ...(json as ChatCompletionChunk), model: context.model }
    if (chunk.usage != null) {
      usage = { ...chunk, choices: [], usage: chunk.usage }
      if (chunk.choices.length === 0) continue
      if (context.clientWantsUsage) chunk.usage = null
      else delete chunk.usage
    } else if (!context.clientWantsUsage) {
      delete chunk.usage
    }
    yield chunk
  }
  throw incompleteStream('early')
}
