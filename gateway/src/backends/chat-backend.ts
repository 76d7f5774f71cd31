// The contract between the HTTP layer and a backend kind. A backend receives a validated OpenAI
// request and returns OpenAI-shaped results; which Bedrock API sits behind it is its own business.
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
} from '../openai/chat-completions.ts'
import type { BackendTarget } from './backend-target.ts'
import type { StopReasonListener } from '../observe/stop-reason.ts'

export interface ChatCallContext {
  /** The `chatcmpl-…` id the client sees. Made by the caller: translators make no ids. */
  id: string
  /** Unix seconds, made by the caller: translators read no clock. */
  created: number
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

export interface ChatBackend {
  /**
   * Parameters this backend accepts but cannot honour and ignores (never dropped
   * silently). The HTTP layer announces them in `x-strata-dropped-params` and logs them.
   */
  droppedParameters?(request: ChatCompletionRequest): string[]
  complete(
    request: ChatCompletionRequest,
    target: BackendTarget,
    context: ChatCallContext,
  ): Promise<ChatCompletion>
  /**
   * Chunks in order. The last chunk is always a usage chunk (`choices: []`, `usage` set); the HTTP
   * layer forwards it only when the client asked with `stream_options.include_usage`, but always
   * counts it. Throws a GatewayError before the first chunk (becomes an HTTP error) or mid-stream
   * (becomes one OpenAI-shaped error event).
   */
  stream(
    request: ChatCompletionRequest,
    target: BackendTarget,
    context: ChatCallContext,
  ): AsyncIterable<ChatCompletionChunk>
}
