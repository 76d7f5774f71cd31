// ConverseStream bytes → what the client's API streams (chat chunks, Responses events), one step
// per network read: decoding, validation, the guardrail watch and translation are synchronous, so
// the only asynchronous steps left are the read and each item handed on. Stacked async generators
// (one per layer) cost promises per layer and event, a visible share of the gateway's CPU at a
// thousand concurrent streams.
import type { GuardrailTarget } from '../guardrails/guardrail-target.ts'
import { watchConverseStream } from '../guardrails/converse-guardrail.ts'
import {
  converseEventBatches,
  type ConverseStreamEvent,
} from '../streaming/converse-stream-events.ts'

/** A stream's translator: the items one event makes, and a check that the stream was complete. */
export interface ConverseStreamTranslator<T> {
  push(event: ConverseStreamEvent): T[]
  end(): void
}

export async function* translateConverseStream<T>(
  bytes: AsyncIterable<Uint8Array>,
  translator: ConverseStreamTranslator<T>,
  guardrail?: GuardrailTarget,
): AsyncGenerator<T> {
  const watch = guardrail === undefined ? undefined : watchConverseStream(guardrail)
  for await (const events of converseEventBatches(bytes)) {
    for (const event of events) {
      watch?.see(event)
      for (const item of translator.push(event)) yield item
    }
  }
  watch?.end()
  translator.end()
}
