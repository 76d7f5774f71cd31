// What the gateway relies on in Mantle's Chat Completions answers, checked leniently (lenient with
// upstreams: docs/architecture.md, "Rules the code keeps"): unknown keys pass untouched, since
// pass-through must keep Mantle's extras (e.g. `reasoning` deltas) for the client. Only the fields
// the gateway reads or rewrites are checked.
// Reference: https://platform.openai.com/docs/api-reference/chat/object and
// https://platform.openai.com/docs/api-reference/chat-streaming/streaming.
import { z } from 'zod'

// The counts are read leniently by observe/token-usage.ts (a missing one is zero), so a lean
// usage object is relayed rather than refused.
export const mantleUsageSchema = z.looseObject({})

const choice = z.looseObject({ index: z.number().int().nonnegative() })

export const mantleCompletionSchema = z.looseObject({
  id: z.string(),
  choices: z.array(choice.extend({ message: z.looseObject({}) })),
  usage: mantleUsageSchema,
})

export const mantleChunkSchema = z.looseObject({
  id: z.string(),
  choices: z.array(choice.extend({ delta: z.looseObject({}).nullish() })),
  usage: mantleUsageSchema.nullish(),
})

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * Exactly what mantleChunkSchema accepts, checked by hand: a stream's chunks all pass through it,
 * and zod was a few per cent of a stream's CPU. A chunk this refuses goes through the schema, for
 * its error.
 */
export function isMantleChunk(value: unknown): boolean {
  if (!isRecord(value) || typeof value['id'] !== 'string') return false
  const { choices, usage } = value
  if (usage != null && !isRecord(usage)) return false
  if (!Array.isArray(choices)) return false
  for (const item of choices as unknown[]) {
    if (!isRecord(item)) return false
    const { index, delta } = item
    if (typeof index !== 'number' || !Number.isSafeInteger(index) || index < 0) return false
    if (delta != null && !isRecord(delta)) return false
  }
  return true
}
