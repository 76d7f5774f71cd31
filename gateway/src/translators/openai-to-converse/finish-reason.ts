// Converse `stopReason` → OpenAI `finish_reason`.
// References: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html
// (stopReason; the list is in docs/reference/bedrock-runtime.md, "Stop reasons") and OpenAI's
// finish_reason values.
//
// | stopReason                           | finish_reason / outcome                                   |
// |--------------------------------------|-----------------------------------------------------------|
// | end_turn, stop_sequence              | stop                                                      |
// | tool_use                             | tool_calls                                                |
// | max_tokens, model_context_window_exceeded | length                                               |
// | guardrail_intervened, content_filtered | content_filter                                          |
// | malformed_model_output, malformed_tool_use | error 500 server_error "The model produced invalid content" |
// | anything new                         | stop (lenient with upstream: the text is still the answer) |
//
// The malformed reasons are errors, not stops: the output did not parse (e.g. tool input that is
// not JSON), so handing it over as a clean answer would mislead. OpenAI answers the same condition
// with a 500 "The model produced invalid content", which SDKs retry, and a retry usually succeeds.
import { GatewayError } from '../../errors/gateway-error.ts'
import type { FinishReason } from '../../openai/chat-completions.ts'
import { gatewayError } from '../../errors/catalogue.ts'

const finishReasons: Readonly<Record<string, FinishReason>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  tool_use: 'tool_calls',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  guardrail_intervened: 'content_filter',
  content_filtered: 'content_filter',
}

/** malformedOutputError is what a malformed_* stop reason becomes. */
export function malformedOutputError(stopReason: string): GatewayError {
  return gatewayError(
    'invalid_model_output',
    'The model produced invalid content. Consider modifying your prompt if you are seeing this error persistently.',
    { upstreamType: stopReason, upstream: 'refused' },
  )
}

/** finishReasonOf maps a stop reason, throwing a GatewayError for malformed output. */
export function finishReasonOf(stopReason: string): FinishReason {
  if (stopReason.startsWith('malformed_')) throw malformedOutputError(stopReason)
  return finishReasons[stopReason] ?? 'stop'
}
