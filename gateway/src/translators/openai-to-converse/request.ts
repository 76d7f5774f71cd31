// OpenAI Chat Completions request → Bedrock Converse / ConverseStream request body.
// References: https://platform.openai.com/docs/api-reference/chat/create and
// https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html
// (summary: docs/reference/bedrock-runtime.md). The per-parameter decisions are tabled in
// parameter-policy.ts; this file composes the pieces.
import type { ChatCompletionRequest } from '../../openai/chat-completions.ts'
import type { ConverseRequest, OutputConfig } from '../../upstream/converse-shapes.ts'
import { toInferenceConfig, toRequestMetadata, toServiceTier } from './inference-config.ts'
import type { ResolvedImages } from './media.ts'
import { toConverseConversation } from './messages.ts'
import { modelFamilyOf } from '../../models/model-family.ts'
import { assertConverseCanHonour } from './parameter-policy.ts'
import { reasoningFieldsFor, type ReasoningFields } from './reasoning.ts'
import { toTextFormat } from './response-format.ts'
import { toToolConfig } from './tools.ts'
import { invalidRequest } from '../../errors/catalogue.ts'

export interface ConverseRequestContext {
  /** The model id, inference-profile id or ARN that goes upstream. */
  modelId: string
  /** The base model id when `modelId` is an ARN that hides it; decides family-specific mappings. */
  baseModelId?: string
  /** Bytes of remote image URLs the backend fetched beforehand; other remote URLs are a 400. */
  images?: ResolvedImages
}

// Claude's smallest thinking budget; below it the request cannot be honoured.
const minimumThinkingBudget = 1024

function reasoningParts(
  request: ChatCompletionRequest,
  context: ConverseRequestContext,
  maxTokens: number | undefined,
): ReasoningFields {
  const effort = request.reasoning_effort
  if (effort === undefined || effort === null) return {}
  const fields = reasoningFieldsFor(modelFamilyOf(context.modelId, context.baseModelId), effort)
  if (
    fields.budgetTokens === undefined ||
    maxTokens === undefined ||
    fields.budgetTokens < maxTokens
  )
    return fields
  // The budget counts against max tokens, so a small max_completion_tokens shrinks the budget.
  if (maxTokens - 1 < minimumThinkingBudget) {
    throw invalidRequest(
      `Invalid value for 'max_completion_tokens': it must exceed ${minimumThinkingBudget} when 'reasoning_effort' is set with this model.`,
      request.max_completion_tokens === undefined || request.max_completion_tokens === null
        ? 'max_tokens'
        : 'max_completion_tokens',
      'invalid_value',
    )
  }
  const budgetTokens = maxTokens - 1
  return {
    ...fields,
    budgetTokens,
    additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: budgetTokens } },
  }
}

/**
 * toConverseRequest translates a validated OpenAI request. It throws a 400 GatewayError naming
 * the parameter for anything Converse cannot honour. Pure: no I/O, clock or randomness.
 */
export function toConverseRequest(
  request: ChatCompletionRequest,
  context: ConverseRequestContext,
): ConverseRequest {
  assertConverseCanHonour(request)
  const { system, messages } = toConverseConversation(request.messages, context.images)
  const body: ConverseRequest = { messages }
  if (system.length > 0) body.system = system
  const inferenceConfig = toInferenceConfig(request)
  if (inferenceConfig !== undefined) body.inferenceConfig = inferenceConfig
  const toolConfig = toToolConfig(request, messages)
  if (toolConfig !== undefined) body.toolConfig = toolConfig
  const reasoning = reasoningParts(request, context, inferenceConfig?.maxTokens)
  if (reasoning.additionalModelRequestFields !== undefined) {
    body.additionalModelRequestFields = reasoning.additionalModelRequestFields
  }
  const outputConfig: OutputConfig = {}
  const textFormat = toTextFormat(request.response_format)
  if (textFormat !== undefined) outputConfig.textFormat = textFormat
  if (reasoning.effort !== undefined) outputConfig.effort = reasoning.effort
  if (Object.keys(outputConfig).length > 0) body.outputConfig = outputConfig
  const requestMetadata = toRequestMetadata(request)
  if (requestMetadata !== undefined) body.requestMetadata = requestMetadata
  const serviceTier = toServiceTier(request.service_tier)
  if (serviceTier !== undefined) body.serviceTier = serviceTier
  return body
}
