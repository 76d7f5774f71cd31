// Mantle's SSE bytes → ChatCompletionChunks, decoded by streaming/sse-decoder.ts and encoded again
// for the client by streaming/sse.ts. Chunks are relayed one by one as Mantle sent them, with
// `model` set back to the client's alias.
// Reference: https://platform.openai.com/docs/api-reference/chat-streaming/streaming and
// docs/reference/mantle.md: chunks, then `[DONE]`; a failure is one `data: {"error":…}` and no
// `[DONE]`.
//
// Contract kept for the HTTP layer (backends/chat-backend.ts): the stream ends with exactly one
// usage chunk (`choices: []`). The request always asked for usage, so a usage object riding on a
// chunk with choices is split off into its own chunk, and `usage: null` on the other chunks is
// dropped unless the client asked for usage itself (OpenAI omits the key then). A stream that
// ends without `[DONE]` or without usage is incomplete: a 502 after the chunks already relayed.
import { GatewayError } from '../../errors/gateway-error.ts'
import { mantleStreamError } from '../../errors/mantle-errors.ts'
import type { ChatCompletionChunk } from '../../openai/chat-completions.ts'
import { SseDataDecoder } from '../../streaming/sse-decoder.ts'
import { itemStream, type ItemStream } from '../../streaming/item-stream.ts'
import { isMantleChunk, mantleChunkSchema } from './shapes.ts'
import { invalidResponse, streamIncomplete } from '../../errors/catalogue.ts'
import { chatFinishReason, type StopReasonListener } from '../../observe/stop-reason.ts'

export interface MantleStreamContext {
  /** The alias the client sent, echoed back as `model`. */
  model: string
  /** The client's own `stream_options.include_usage`. */
  clientWantsUsage: boolean
}

const doneMarker = '[DONE]'

function incompleteStream(what: string): GatewayError {
  return streamIncomplete(`The model provider's stream ended ${what}.`)
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

/** Relays one stream's payloads as they come; `end` checks that the stream was complete. */
export interface MantleChunkRelay {
  /** The chunks one `data` payload makes; after `[DONE]` nothing more is read. */
  push(payload: string): ChatCompletionChunk[]
  readonly done: boolean
  end(): void
}

/** mantleChunkRelay relays chunks as they come; it throws GatewayErrors for failures. */
export function mantleChunkRelay(context: MantleStreamContext): MantleChunkRelay {
  let usage: ChatCompletionChunk | undefined
  let done = false
  return {
    push(payload) {
      if (done) return []
      if (payload.trim() === doneMarker) {
        done = true
        // A stream without usage is complete all the same; its tokens count as zero.
        return usage === undefined ? [] : [usage]
      }
      const json = parsePayload(payload)
      if (hasError(json)) throw mantleStreamError(json)
      if (!isMantleChunk(json)) {
        const parsed = mantleChunkSchema.safeParse(json)
        if (!parsed.success)
          throw invalidResponse('The model provider sent an invalid stream event.', parsed.error)
      }
      // The checked fields are what the HTTP layer reads; the rest is relayed as sent.
      const chunk: ChatCompletionChunk = { ...(json as ChatCompletionChunk), model: context.model }
      if (chunk.usage != null) {
        usage = { ...chunk, choices: [], usage: chunk.usage }
        if (chunk.choices.length === 0) return []
        if (context.clientWantsUsage) chunk.usage = null
        else delete chunk.usage
      } else if (!context.clientWantsUsage) {
        delete chunk.usage
      }
      return [chunk]
    },
    get done() {
      return done
    },
    end() {
      if (!done) throw incompleteStream('early')
    },
  }
}

/**
 * mantleChatChunks goes from Mantle's SSE bytes to chunks in one synchronous step per network
 * read (streaming/item-stream.ts): read by pull until the first token, then by push.
 */
export function mantleChatChunks(
  bytes: AsyncIterable<Uint8Array>,
  context: MantleStreamContext,
  onStopReason?: StopReasonListener,
): ItemStream<ChatCompletionChunk> {
  const decoder = new SseDataDecoder()
  const relay = mantleChunkRelay(context)
  const relayAll = (payloads: string[], out: ChatCompletionChunk[]): void => {
    for (const payload of payloads) {
      for (const chunk of relay.push(payload)) {
        // Mantle speaks OpenAI: its finish_reason is the stop reason it gives, told as it comes.
        if (onStopReason !== undefined && chunk.choices.length > 0) {
          const stopReason = chatFinishReason(chunk.choices)
          if (stopReason !== undefined) onStopReason(stopReason)
        }
        out.push(chunk)
      }
      if (relay.done) return
    }
  }
  return itemStream<ChatCompletionChunk>(bytes, {
    read(piece, out) {
      relayAll(decoder.push(piece), out)
      return relay.done
    },
    end(out) {
      relayAll(decoder.end(), out)
      relay.end()
    },
  })
}
