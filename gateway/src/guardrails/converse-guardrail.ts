// Guardrails on Converse routes: Bedrock applies the guardrail itself when the request carries
// guardrailConfig, and answers an intervention with stopReason `guardrail_intervened` and the
// guardrail's blocked message as the text (finish_reason content_filter through the translator).
// The gateway always asks for the trace: it is the only way to tell a blocked question (which
// becomes a 400 content_filter, as the client must change its input) from a blocked answer.
// Reference: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_GuardrailConfiguration.html,
// .../API_runtime_GuardrailStreamConfiguration.html and .../API_runtime_GuardrailTraceAssessment.html
// (summary: docs/reference/bedrock-runtime.md, "ApplyGuardrail").
import type { ConverseStreamEvent } from '../streaming/converse-stream-events.ts'
import type { ConverseResponse } from '../upstream/converse-shapes.ts'
import { blockedInput, type GuardrailDirection, type GuardrailTarget } from './guardrail-target.ts'

export interface ConverseGuardrailConfig {
  guardrailIdentifier: string
  guardrailVersion: string
  trace: 'enabled'
  /** ConverseStream only. */
  streamProcessingMode?: 'sync' | 'async'
}

export function converseGuardrailConfig(
  guardrail: GuardrailTarget,
  stream: boolean,
): ConverseGuardrailConfig {
  return {
    guardrailIdentifier: guardrail.identifier,
    guardrailVersion: guardrail.version,
    trace: 'enabled',
    ...(stream ? { streamProcessingMode: guardrail.streamProcessingMode ?? 'sync' } : {}),
  }
}

function containsBlocked(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(containsBlocked)
  if (typeof value !== 'object' || value === null) return false
  return Object.entries(value).some(
    ([key, inner]) => (key === 'action' && inner === 'BLOCKED') || containsBlocked(inner),
  )
}

/**
 * Input when the trace's input assessment blocked something; output otherwise (including when
 * no trace came back, the conservative reading: the client still gets content_filter).
 */
export function interventionDirection(trace: unknown): GuardrailDirection {
  const guardrail =
    typeof trace === 'object' && trace !== null
      ? (trace as Record<string, unknown>)['guardrail']
      : undefined
  const input =
    typeof guardrail === 'object' && guardrail !== null
      ? (guardrail as Record<string, unknown>)['inputAssessment']
      : undefined
  return containsBlocked(input) ? 'input' : 'output'
}

/** Counts an intervention in a Converse answer; a blocked input is thrown as a 400. */
export function checkConverseResponse(
  response: ConverseResponse,
  guardrail: GuardrailTarget | undefined,
  /** The request field holding the input: `messages` (chat) or `input` (responses). */
  param = 'messages',
): void {
  if (guardrail === undefined || response.stopReason !== 'guardrail_intervened') return
  const direction = interventionDirection(response['trace'])
  guardrail.onIntervention(direction)
  if (direction === 'input') {
    const text = (response.output?.message?.content ?? []).map((block) => block.text ?? '').join('')
    throw blockedInput(text === '' ? undefined : text, param)
  }
}

/** Watches a stream's events for an intervention; `end` counts it once the stream is over. */
export interface StreamGuardrailWatch {
  see(event: ConverseStreamEvent): void
  end(): void
}

/**
 * The trace arrives in the last event (metadata), so an intervention is counted once the stream
 * has ended. A blocked input on a stream reaches the client as the blocked message with
 * finish_reason content_filter, not a 400: the decision comes after the first chunk could have
 * been sent. It is still counted as direction input.
 */
export function watchConverseStream(guardrail: GuardrailTarget): StreamGuardrailWatch {
  let intervened = false
  let trace: unknown
  return {
    see(event) {
      if (event.type === 'messageStop' && event.stopReason === 'guardrail_intervened')
        intervened = true
      if (event.type === 'metadata') trace = event['trace']
    },
    end() {
      if (intervened) guardrail.onIntervention(interventionDirection(trace))
    },
  }
}
