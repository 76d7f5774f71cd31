// ConverseStream bytes → what the client's API streams (chat chunks, Responses events), in one
// synchronous step per network read: decoding, validation, the guardrail watch and translation
// (streaming/item-stream.ts). Read by pull until the first token, then by push: once committed, a
// read goes from the upstream socket to the client's in one call, with no promise per chunk.
import type { GuardrailTarget } from '../guardrails/guardrail-target.ts'
import { watchConverseStream } from '../guardrails/converse-guardrail.ts'
import { EventStreamDecoder } from '../streaming/event-stream-decoder.ts'
import { decodeRead, endRead } from '../streaming/bedrock-frames.ts'
import {
  toConverseStreamEvent,
  type ConverseStreamEvent,
} from '../streaming/converse-stream-events.ts'
import { itemStream, type ItemStream } from '../streaming/item-stream.ts'
import type { StopReasonListener } from '../observe/stop-reason.ts'

/** A stream's translator: the items one event makes, and a check that the stream was complete. */
export interface ConverseStreamTranslator<T> {
  push(event: ConverseStreamEvent): T[]
  end(): void
}

export function translateConverseStream<T>(
  bytes: AsyncIterable<Uint8Array>,
  translator: ConverseStreamTranslator<T>,
  guardrail?: GuardrailTarget,
  onStopReason?: StopReasonListener,
): ItemStream<T> {
  const watch = guardrail === undefined ? undefined : watchConverseStream(guardrail)
  const decoder = new EventStreamDecoder()
  // One read's events, reused from read to read.
  const events: ConverseStreamEvent[] = []
  return itemStream<T>(bytes, {
    read(chunk, out) {
      events.length = 0
      const failure = decodeRead(decoder, chunk, events, toConverseStreamEvent)
      for (const event of events) {
        watch?.see(event)
        // Before the translator, which turns a malformed_* stop into an error and the rest into
        // the client's words.
        if (event.type === 'messageStop') onStopReason?.(event.stopReason)
        for (const item of translator.push(event)) out.push(item)
      }
      if (failure !== undefined) throw failure
      // Complete only when the body ends: metadata comes after messageStop.
      return false
    },
    end() {
      endRead(decoder)
      watch?.end()
      translator.end()
    },
  })
}
