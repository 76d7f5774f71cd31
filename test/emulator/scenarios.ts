// Scripted behaviour: a FIFO queue of scenarios that requests consume. A request takes the first
// entry whose match fits it; with none left it gets the default (echo) behaviour.
import { z } from 'zod'
import { httpExceptionNames, streamExceptionNames } from './aws-errors.ts'

// One name per emulated operation, grouped by API surface; scenarios match on these.
export const converseOperations = ['converse', 'converse-stream'] as const
export const mantleOperations = [
  'mantle-chat',
  'mantle-responses',
  'mantle-embeddings',
  'mantle-models',
] as const
export const projectOperations = [
  'create-project',
  'list-projects',
  'get-project',
  'update-project',
  'archive-project',
] as const
export const controlPlaneOperations = [
  'create-inference-profile',
  'get-inference-profile',
  'list-inference-profiles',
  'delete-inference-profile',
  'list-foundation-models',
  'get-foundation-model',
  'tag-resource',
  'untag-resource',
  'list-tags-for-resource',
] as const
export const operationNames = [
  ...converseOperations,
  'invoke-model',
  'invoke-model-stream',
  'count-tokens',
  'apply-guardrail',
  ...mantleOperations,
  ...projectOperations,
  ...controlPlaneOperations,
] as const
export type OperationName = (typeof operationNames)[number]
export type ConverseOperation = (typeof converseOperations)[number]

// ConverseResponse.stopReason values (docs/reference/bedrock-runtime.md, "Stop reasons").
export const stopReasons = [
  'end_turn',
  'tool_use',
  'max_tokens',
  'stop_sequence',
  'guardrail_intervened',
  'content_filtered',
  'malformed_model_output',
  'malformed_tool_use',
  'model_context_window_exceeded',
] as const
export type StopReason = (typeof stopReasons)[number]

const count = z.int().nonnegative()

const replySchema = z.strictObject({
  text: z.string().optional(),
  reasoning: z
    .union([
      z.strictObject({ text: z.string(), signature: z.string() }),
      z.strictObject({ redacted: z.base64() }),
    ])
    .optional(),
  toolCalls: z
    .array(
      z.strictObject({
        id: z.string().min(1).optional(),
        name: z.string().min(1),
        input: z.record(z.string(), z.unknown()).default({}),
      }),
    )
    .optional(),
  stopReason: z.enum(stopReasons).optional(),
  usage: z
    .strictObject({
      inputTokens: count.optional(),
      outputTokens: count.optional(),
      totalTokens: count.optional(),
      cacheReadInputTokens: count.optional(),
      cacheWriteInputTokens: count.optional(),
    })
    .optional(),
})

const faultSchema = z.discriminatedUnion('kind', [
  /** A JSON error response instead of any answer. */
  z.strictObject({
    kind: z.literal('error'),
    exception: z.enum(httpExceptionNames),
    message: z.string().optional(),
    /** Sent as a `Retry-After` header (seconds), as Mantle and proxies in front of Bedrock do. */
    retryAfterSeconds: count.optional(),
  }),
  /**
   * An in-stream failure after `afterEvents` events: an exception frame on ConverseStream, an
   * OpenAI error event on Mantle streams; a plain error response on non-streaming operations.
   */
  z.strictObject({
    kind: z.literal('midStreamException'),
    afterEvents: count,
    exception: z.enum(streamExceptionNames),
    message: z.string().optional(),
  }),
  /**
   * An error response with this status in the surface's own shape: OpenAI's `{error}` on Mantle
   * and Projects, REST-JSON with `x-amzn-ErrorType` (`type`, or a name derived from the status)
   * on the AWS APIs.
   */
  z.strictObject({
    kind: z.literal('httpError'),
    status: z.int().min(400).max(599),
    type: z.string().min(1).optional(),
    code: z.string().min(1).optional(),
    message: z.string().optional(),
    retryAfterSeconds: count.optional(),
  }),
  /** Destroy the socket: at once, or after the 200 and `afterEvents` stream events. */
  z.strictObject({ kind: z.literal('reset'), afterEvents: count.optional() }),
  /** Never answer; the exchange ends only when the client disconnects. */
  z.strictObject({ kind: z.literal('hang') }),
])

export const scenarioSchema = z.strictObject({
  reply: replySchema.optional(),
  /** Characters per text or reasoning delta. */
  chunkSize: z.int().positive().optional(),
  firstTokenDelayMs: count.optional(),
  tokenDelayMs: count.optional(),
  fault: faultSchema.optional(),
})

export const matchSchema = z.strictObject({
  modelId: z.string().optional(),
  operation: z.enum(operationNames).optional(),
})

export const scriptEntrySchema = z.strictObject({
  match: matchSchema.optional(),
  times: z.int().positive().default(1),
  scenario: scenarioSchema,
})

export type Scenario = z.infer<typeof scenarioSchema>
export type Reply = z.infer<typeof replySchema>
export type Fault = z.infer<typeof faultSchema>
/** The faults that become one error response; each API surface renders them in its own shape. */
export type ErrorFault = Extract<Fault, { kind: 'error' | 'httpError' }>
export type Match = z.infer<typeof matchSchema>
export type ScriptEntry = z.infer<typeof scriptEntrySchema>
/** What callers write: `times` may be left out. */
export type ScriptEntryInput = z.input<typeof scriptEntrySchema>

export interface ScenarioRequest {
  operation: string
  modelId?: string | undefined
}

function matches(match: Match | undefined, request: ScenarioRequest): boolean {
  if (match?.modelId !== undefined && match.modelId !== request.modelId) return false
  if (match?.operation !== undefined && match.operation !== request.operation) return false
  return true
}

export class ScenarioQueue {
  #entries: ScriptEntry[] = []

  add(entry: ScriptEntry): void {
    this.#entries.push(structuredClone(entry))
  }

  /** Consumes one use of the first matching entry. */
  take(request: ScenarioRequest): Scenario | undefined {
    const index = this.#entries.findIndex((entry) => matches(entry.match, request))
    const entry = this.#entries[index]
    if (entry === undefined) return undefined
    entry.times -= 1
    if (entry.times === 0) this.#entries.splice(index, 1)
    return entry.scenario
  }

  /** Entries not yet used up, with the uses they have left. */
  pending(): ScriptEntry[] {
    return structuredClone(this.#entries)
  }

  clear(): void {
    this.#entries = []
  }
}
