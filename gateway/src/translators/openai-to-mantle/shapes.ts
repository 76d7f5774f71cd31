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
