// Server-sent events of a streaming Response, layer 4 of 4 for the Responses API.
// Reference: https://platform.openai.com/docs/api-reference/responses-streaming: each event is
// `event: <type>` plus `data: <json>`, and there is no `[DONE]`. A failure after the first byte is
// one `error` event and the stream closes. Besides OpenAI's top-level `code`/`message`/`param`, the
// event carries the usual `error` object, because that is what the `openai` npm SDK (6.x,
// core/streaming.ts) raises as an APIError; without it the SDK would hand the failure over as an
// ordinary event, and the client would never learn that the answer is incomplete.
import type { ResponseStreamEvent } from '../openai/responses.ts'
import type { SseEncoding } from './sse.ts'

/** sseEvent encodes one event; JSON.stringify never emits a raw newline, so one line holds it. */
export function sseEvent(event: ResponseStreamEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`
}

/** responsesSse encodes events; there is no end marker, and a failure is the last event. */
export function responsesSse(): SseEncoding<ResponseStreamEvent> {
  let sequence = 0
  return {
    item(event) {
      sequence = event.sequence_number + 1
      return sseEvent(event)
    },
    end: undefined,
    error(failure) {
      const body = failure.toBody()
      return sseEvent({
        type: 'error',
        sequence_number: sequence,
        code: body.error.code,
        message: body.error.message,
        param: body.error.param,
        error: body.error,
      })
    },
  }
}
