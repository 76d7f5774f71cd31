// OpenAI Responses ⇄ Mantle Responses. Mantle speaks the Responses API itself, so requests go up
// as sent with `model` set to the Bedrock model id, and answers come back as sent with `model` set
// back to the alias. Only what the gateway relies on is checked, leniently (docs/architecture.md,
// "Rules the code keeps").
// References: https://platform.openai.com/docs/api-reference/responses and
// https://platform.openai.com/docs/api-reference/responses-streaming; docs/reference/mantle.md (a
// failed stream is one `data: {"error":…}` event).
import { z } from 'zod'
import { GatewayError } from '../../errors/gateway-error.ts'
import { mantleStreamError } from '../../errors/mantle-errors.ts'
import type {
  ResponseObject,
  ResponseStreamEvent,
  ResponsesRequest,
} from '../../openai/responses.ts'
import { invalidResponse, streamIncomplete } from '../../errors/catalogue.ts'
import { SseDataDecoder } from '../../streaming/sse-decoder.ts'
import { itemStream, type ItemStream } from '../../streaming/item-stream.ts'
import { responseStopReason, type StopReasonListener } from '../../observe/stop-reason.ts'

const responseSchema = z.looseObject({
  id: z.string(),
  object: z.literal('response'),
  status: z.string(),
  output: z.array(z.looseObject({ type: z.string() })),
})

const eventSchema = z.looseObject({
  type: z.string(),
  sequence_number: z.number().int().nonnegative(),
  response: responseSchema.optional(),
})

const finalEvents = new Set(['response.completed', 'response.incomplete', 'response.failed'])

/** toMantleResponsesRequest is the body that goes upstream. */
export function toMantleResponsesRequest(
  request: ResponsesRequest,
  modelId: string,
): Record<string, unknown> {
  return { ...request, model: modelId }
}

/** fromMantleResponse checks Mantle's Response object and rewrites `model`. */
export function fromMantleResponse(json: unknown, model: string): ResponseObject {
  const parsed = responseSchema.safeParse(json)
  if (!parsed.success)
    throw invalidResponse('The model provider sent an invalid response.', parsed.error)
  // The checked fields are what the HTTP layer reads; the rest is relayed as sent.
  return { ...(json as ResponseObject), model }
}

function incompleteStream(): GatewayError {
  return streamIncomplete("The model provider's stream ended unfinished.")
}

function parsePayload(payload: string): unknown {
  try {
    return JSON.parse(payload) as unknown
  } catch (error) {
    throw invalidResponse('The model provider sent an unreadable stream event.', error)
  }
}

function streamError(json: Record<string, unknown>): GatewayError {
  if (json.error != null) return mantleStreamError(json)
  // OpenAI's own `error` event carries the fields at the top level.
  return mantleStreamError({
    error: { message: json.message, type: 'server_error', code: json.code, param: json.param },
  })
}

/** Relays Mantle's events one payload at a time, synchronously; `end` checks completeness. */
export interface MantleResponseRelay {
  push(payload: string): ResponseStreamEvent[]
  /** A final event (completed, incomplete, failed) or `[DONE]` came: nothing more is read. */
  readonly done: boolean
  end(): void
}

/**
 * mantleResponseRelay relays Mantle's events one by one with `model` set back to the alias. A
 * stream without a final event (completed, incomplete, failed) is a 502 after what was relayed.
 */
export function mantleResponseRelay(
  model: string,
  onStopReason?: StopReasonListener,
): MantleResponseRelay {
  let done = false
  let final = false
  return {
    push(payload) {
      if (done) return []
      if (payload.trim() === '[DONE]') {
        done = true
        return []
      }
      const json = parsePayload(payload)
      if (typeof json !== 'object' || json === null)
        throw invalidResponse('The model provider sent an invalid stream event.')
      const record = json as Record<string, unknown>
      if (record.error != null || record.type === 'error') throw streamError(record)
      const parsed = eventSchema.safeParse(json)
      if (!parsed.success)
        throw invalidResponse('The model provider sent an invalid stream event.', parsed.error)
      const event = { ...(json as ResponseStreamEvent) }
      if (parsed.data.response !== undefined) event.response = { ...parsed.data.response, model }
      if (finalEvents.has(event.type)) {
        done = true
        final = true
        const stopReason = responseStopReason(parsed.data.response)
        if (stopReason !== undefined) onStopReason?.(stopReason)
      }
      return [event]
    },
    get done() {
      return done
    },
    end() {
      if (!final) throw incompleteStream()
    },
  }
}

/**
 * mantleResponseEvents goes from Mantle's SSE bytes to Responses events in one synchronous step
 * per network read (streaming/item-stream.ts): read by pull until the first token, then by push.
 */
export function mantleResponseEvents(
  bytes: AsyncIterable<Uint8Array>,
  model: string,
  onStopReason?: StopReasonListener,
): ItemStream<ResponseStreamEvent> {
  const decoder = new SseDataDecoder()
  const relay = mantleResponseRelay(model, onStopReason)
  const relayAll = (payloads: string[], out: ResponseStreamEvent[]): void => {
    for (const payload of payloads) {
      for (const event of relay.push(payload)) out.push(event)
      if (relay.done) return
    }
  }
  return itemStream<ResponseStreamEvent>(bytes, {
    read(piece, out) {
      relayAll(decoder.push(piece), out)
      // Complete at a final event or [DONE]; end() still tells which.
      if (relay.done) relay.end()
      return relay.done
    },
    end(out) {
      relayAll(decoder.end(), out)
      relay.end()
    },
  })
}

/** fromMantleResponseEvents is mantleResponseRelay over payloads already split from the SSE. */
export async function* fromMantleResponseEvents(
  payloads: AsyncIterable<string>,
  model: string,
): AsyncGenerator<ResponseStreamEvent> {
  const relay = mantleResponseRelay(model)
  for await (const payload of payloads) {
    yield* relay.push(payload)
    if (relay.done) break
  }
  relay.end()
}
