// The contract between the Messages API handler and a backend kind. A backend receives Bedrock's
// Anthropic body (translators/anthropic-to-invoke) and answers with Anthropic Messages and
// streaming events; which Bedrock operation sits behind it is its own business.
import type { ClaudeMessage } from '../translators/anthropic-to-invoke/response.ts'
import type { MessagesStreamEvent } from '../translators/anthropic-to-invoke/stream.ts'
import type { BackendTarget } from './backend-target.ts'
import type { StopReasonListener } from '../observe/stop-reason.ts'

export interface MessagesCallContext {
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

/** One prepared call: Bedrock's body, built per attempt by the handler. */
export interface MessagesInvoke {
  body: Record<string, unknown>
}

export interface MessagesBackend {
  create(
    request: MessagesInvoke,
    target: BackendTarget,
    context: MessagesCallContext,
  ): Promise<ClaudeMessage>
  /**
   * Anthropic's streaming events in order, message_start first. Throws a GatewayError before the
   * first event (an HTTP error) or after it (Anthropic's `error` event).
   */
  stream(
    request: MessagesInvoke,
    target: BackendTarget,
    context: MessagesCallContext,
  ): AsyncIterable<MessagesStreamEvent>
  /** Bedrock CountTokens for the same body. */
  countTokens(request: MessagesInvoke, target: BackendTarget, signal: AbortSignal): Promise<number>
}
