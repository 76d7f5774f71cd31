// The contract between the HTTP layer and a backend kind for the Responses API, beside
// chat-backend.ts: a validated Responses request in, a Response object or its events out.
import type { ResponseObject, ResponseStreamEvent, ResponsesRequest } from '../openai/responses.ts'
import type { BackendTarget } from './backend-target.ts'
import type { StopReasonListener } from '../observe/stop-reason.ts'

export interface ResponsesCallContext {
  /** The `resp_…` id the client sees, made by the caller (a pass-through backend keeps Mantle's). */
  id: string
  /** Unix seconds, made by the caller. */
  createdAt: number
  /** The alias the client sent, echoed back as `model`. */
  model: string
  /** Aborted when the client goes away; the upstream call must be cancelled with it. */
  signal: AbortSignal
  /**
   * Told upstream's own stop reason once the answer carries it, before any translation; absent on
   * a shadow copy, which has no request record.
   */
  onStopReason?: StopReasonListener
}

export interface ResponsesBackend {
  create(
    request: ResponsesRequest,
    target: BackendTarget,
    context: ResponsesCallContext,
  ): Promise<ResponseObject>
  /**
   * Events in order, ending with response.completed or response.incomplete. Throws a GatewayError
   * before the first event (becomes an HTTP error) or mid-stream (becomes one `error` event).
   */
  stream(
    request: ResponsesRequest,
    target: BackendTarget,
    context: ResponsesCallContext,
  ): AsyncIterable<ResponseStreamEvent>
}
