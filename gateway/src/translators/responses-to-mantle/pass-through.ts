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

/**
 * fromMantleResponseEvents relays Mantle's events one by one with `model` set back to the alias.
 * A stream without a final event (completed, incomplete, failed) is a 502 after what was relayed.
 */
export async function* fromMantleResponseEvents(
  payloads: AsyncIterable<string>,
  model: string,
): AsyncGenerator<ResponseStreamEvent> {
  for await (const payload of payloads) {
    if (payload.trim() === '[DONE]') break
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
    yield event
    if (finalEvents.has(event.type)) return
  }
  throw incompleteStream()
}
