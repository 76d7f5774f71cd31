// OpenAI Chat Completions → Mantle Chat Completions. Mantle speaks OpenAI's API, so this is a
// pass-through: the validated request goes up unchanged but for two things.
// - `model` becomes the Bedrock model id of the chosen backend (Mantle's ids differ
//   from Converse's: docs/reference/mantle.md, "Model ids").
// - A stream always asks for usage (`stream_options.include_usage`), because the gateway counts
//   tokens of every stream; whether the client sees the usage chunk is the HTTP layer's business.
// Reference: https://platform.openai.com/docs/api-reference/chat/create (`stream_options`).
import type { ChatCompletionRequest } from '../../openai/chat-completions.ts'

export interface MantleRequestContext {
  /** The bare Mantle model id, e.g. `openai.gpt-oss-120b`. */
  modelId: string
}

export function toMantleRequest(
  request: ChatCompletionRequest,
  context: MantleRequestContext,
): Record<string, unknown> {
  const body: Record<string, unknown> = { ...request, model: context.modelId }
  if (request.stream === true) {
    body.stream_options = { ...request.stream_options, include_usage: true }
  }
  return body
}
