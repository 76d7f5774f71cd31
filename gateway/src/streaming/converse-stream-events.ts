// Event-stream messages → validated ConverseStream events, layer 2 of 4 of our streaming.
// Reference: the ConverseStreamOutput union in the botocore model bedrock-runtime/2023-09-30 and
// https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html
// (summary: docs/reference/bedrock-runtime.md, "Stream events"; docs/reference/event-stream.md).
//
// Lenient with upstream: unknown keys (e.g. Bedrock's `p` padding) pass, unknown event types are
// skipped. Exception and error frames become GatewayErrors (streaming/bedrock-frames.ts).
import { z } from 'zod'
import { converseUsageSchema } from '../upstream/converse-shapes.ts'
import type { EventStreamMessage } from './event-stream-decoder.ts'
import { invalidResponse } from '../errors/catalogue.ts'
import { eventTypeOf, payloadJson } from './bedrock-frames.ts'

const index = z.number().int().nonnegative()

const eventSchemas = {
  messageStart: z.looseObject({ role: z.string() }),
  contentBlockStart: z.looseObject({
    contentBlockIndex: index,
    start: z
      .looseObject({
        toolUse: z.looseObject({ toolUseId: z.string(), name: z.string() }).nullish(),
      })
      .nullish(),
  }),
  contentBlockDelta: z.looseObject({
    contentBlockIndex: index,
    delta: z.looseObject({
      text: z.string().nullish(),
      toolUse: z.looseObject({ input: z.string() }).nullish(),
      reasoningContent: z
        .looseObject({
          text: z.string().nullish(),
          signature: z.string().nullish(),
          redactedContent: z.string().nullish(),
        })
        .nullish(),
    }),
  }),
  contentBlockStop: z.looseObject({ contentBlockIndex: index }),
  messageStop: z.looseObject({ stopReason: z.string() }),
  metadata: z.looseObject({
    usage: converseUsageSchema,
    serviceTier: z.looseObject({ type: z.string() }).nullish(),
  }),
}

type EventSchemas = typeof eventSchemas
export type ConverseStreamEventType = keyof EventSchemas

/** One validated ConverseStream event, discriminated by `type` (the `:event-type` header). */
export type ConverseStreamEvent = {
  [K in ConverseStreamEventType]: { type: K } & z.infer<EventSchemas[K]>
}[ConverseStreamEventType]

// Most events of a stream are text deltas: this is exactly what their schema accepts when the
// delta holds text alone, checked by hand because zod costs a few per cent of a stream's CPU.
function isPlainTextDelta(payload: unknown): payload is z.infer<EventSchemas['contentBlockDelta']> {
  if (typeof payload !== 'object' || payload === null) return false
  const { contentBlockIndex, delta } = payload as Record<string, unknown>
  if (typeof contentBlockIndex !== 'number' || !Number.isSafeInteger(contentBlockIndex))
    return false
  if (contentBlockIndex < 0 || typeof delta !== 'object' || delta === null) return false
  const fields = delta as Record<string, unknown>
  return (
    typeof fields['text'] === 'string' &&
    fields['toolUse'] === undefined &&
    fields['reasoningContent'] === undefined
  )
}

const isBlockIndex = (value: unknown): boolean =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0

const fieldsOf = (payload: unknown): Record<string, unknown> | undefined =>
  typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : undefined

// The other small events of every stream, checked by hand as their schemas would: a stream's
// start, each block's end and the message's end. Anything these do not accept goes through zod.
const plainChecks: Partial<Record<ConverseStreamEventType, (payload: unknown) => boolean>> = {
  contentBlockDelta: isPlainTextDelta,
  messageStart: (payload) => typeof fieldsOf(payload)?.['role'] === 'string',
  contentBlockStop: (payload) => isBlockIndex(fieldsOf(payload)?.['contentBlockIndex']),
  messageStop: (payload) => typeof fieldsOf(payload)?.['stopReason'] === 'string',
}

function isEventType(name: string): name is ConverseStreamEventType {
  return Object.hasOwn(eventSchemas, name)
}

/**
 * toConverseStreamEvent validates one frame. It returns undefined for event types we do not know
 * (forward compatibility) and throws a GatewayError for exception and error frames.
 */
export function toConverseStreamEvent(
  message: EventStreamMessage,
): ConverseStreamEvent | undefined {
  const eventType = eventTypeOf(message)
  if (!isEventType(eventType)) return undefined
  const payload = payloadJson(message)
  // The parsed payload is ours alone: tagged in place rather than copied.
  if (plainChecks[eventType]?.(payload) === true) {
    const event = payload as Record<string, unknown>
    event['type'] = eventType
    return event as ConverseStreamEvent
  }
  const parsed = eventSchemas[eventType].safeParse(payload)
  if (!parsed.success)
    throw invalidResponse(`The model provider sent an invalid '${eventType}' event.`, parsed.error)
  return { type: eventType, ...parsed.data } as ConverseStreamEvent
}
