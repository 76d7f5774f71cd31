// The OpenAI Chat Completions contract as Strata accepts it: the request schema (strict: every key
// OpenAI does not define is a 400) and the response shapes we return.
// Reference: https://platform.openai.com/docs/api-reference/chat/create and the `openai` npm SDK
// 6.30 type `ChatCompletionCreateParamsBase`, whose member list this schema follows one for one.
//
// This file only says what is well-formed, the same for every backend. Which parameters a backend
// honours, maps or refuses is that backend's translator's business (for Converse:
// `translators/openai-to-converse/parameter-policy.ts`), so a pass-through backend stays free to
// honour what Converse cannot.
import { z } from 'zod'
import { messageSchema } from './chat-messages.ts'
import { responseFormatSchema, toolChoiceSchema, toolSchema } from './chat-tools.ts'
import { requestValidationError } from './request-validation.ts'

const int = z.number().int()

export const chatCompletionRequestSchema = z.strictObject({
  messages: z.array(messageSchema).min(1),
  model: z.string().min(1),
  audio: z.record(z.string(), z.unknown()).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  function_call: z
    .union([z.enum(['none', 'auto']), z.strictObject({ name: z.string() })])
    .optional(),
  functions: z.array(z.record(z.string(), z.unknown())).optional(),
  logit_bias: z.record(z.string(), z.number()).nullish(),
  logprobs: z.boolean().nullish(),
  max_completion_tokens: int.min(1).nullish(),
  max_tokens: int.min(1).nullish(),
  metadata: z.record(z.string().max(64), z.string().max(512)).nullish(),
  modalities: z.array(z.enum(['text', 'audio'])).nullish(),
  n: int.min(1).max(128).nullish(),
  parallel_tool_calls: z.boolean().optional(),
  prediction: z.record(z.string(), z.unknown()).nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  prompt_cache_key: z.string().optional(),
  prompt_cache_retention: z.enum(['in-memory', '24h']).nullish(),
  reasoning_effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']).nullish(),
  response_format: responseFormatSchema.optional(),
  safety_identifier: z.string().max(64).optional(),
  seed: int.nullish(),
  service_tier: z.enum(['auto', 'default', 'flex', 'scale', 'priority']).nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  store: z.boolean().nullish(),
  stream: z.boolean().nullish(),
  stream_options: z
    .strictObject({
      include_usage: z.boolean().optional(),
      include_obfuscation: z.boolean().optional(),
    })
    .nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  tool_choice: toolChoiceSchema.optional(),
  tools: z.array(toolSchema).optional(),
  top_logprobs: int.min(0).max(20).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  user: z.string().optional(),
  verbosity: z.enum(['low', 'medium', 'high']).nullish(),
  web_search_options: z.record(z.string(), z.unknown()).optional(),
})

export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>

/**
 * parseChatCompletionRequest validates an untrusted JSON body. It returns the request when every
 * parameter is one OpenAI defines and is well-formed, and otherwise throws a 400 GatewayError whose
 * `param` names the offending path (e.g. `messages[2].content[0].image_url`).
 */
export function parseChatCompletionRequest(body: unknown): ChatCompletionRequest {
  const result = chatCompletionRequestSchema.safeParse(body, { reportInput: true })
  if (!result.success) throw requestValidationError(result.error.issues)
  return result.data
}

export type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionChunkChoice,
  ChatCompletionChunkDelta,
  ChatCompletionMessage,
  ChatCompletionMessageToolCall,
  CompletionUsage,
  FinishReason,
} from './chat-completion-response.ts'
export type { ChatMessage } from './chat-messages.ts'
