// How an answer ended, as upstream said it, for the request record (request-record.ts) and the
// per-backend stop-reason series (metrics/backend-record-metrics.ts). Each backend translates the
// stop reason into its client's vocabulary, where two reasons can share one word (Converse's
// max_tokens and model_context_window_exceeded both become OpenAI's finish_reason "length"): the
// record keeps the word upstream used, read here from wherever each API puts it. Pure.
// References: Converse `stopReason`
// (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html), Anthropic
// `stop_reason` (https://docs.claude.com/en/api/handling-stop-reasons), OpenAI `finish_reason`
// and the Responses object's `status` and `incomplete_details.reason`.

/**
 * Hears the stop reason of an attempt's answer, once, from the event that carries it (Converse
 * messageStop, Claude message_delta, a chunk with a finish_reason, a final Responses event).
 */
export type StopReasonListener = (stopReason: string) => void

/** Bedrock's and Claude's stop reason for an answer cut off because the context window filled. */
export const CONTEXT_WINDOW_EXCEEDED = 'model_context_window_exceeded'

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** The first finish_reason among an OpenAI chat completion's (or chunk's) choices. */
export function chatFinishReason(choices: readonly unknown[]): string | undefined {
  for (const choice of choices) {
    const reason = isRecord(choice) ? choice['finish_reason'] : undefined
    if (typeof reason === 'string') return reason
  }
  return undefined
}

/** A Responses object's ending: why it is incomplete when it says, else its status. */
export function responseStopReason(response: unknown): string | undefined {
  if (!isRecord(response)) return undefined
  const details = response['incomplete_details']
  const reason = isRecord(details) ? details['reason'] : undefined
  if (typeof reason === 'string') return reason
  const status = response['status']
  return typeof status === 'string' ? status : undefined
}

/** The stop_reason of Anthropic's `message_delta` streaming event, if the event is one. */
export function messageDeltaStopReason(event: Record<string, unknown>): string | undefined {
  if (event['type'] !== 'message_delta') return undefined
  const delta = event['delta']
  const reason = isRecord(delta) ? delta['stop_reason'] : undefined
  return typeof reason === 'string' ? reason : undefined
}
