// The OpenAI Responses contract as Strata accepts it: a strict request schema for the subset the
// gateway serves (every other key is a 400), and the Response object and stream events we return.
// Reference: https://platform.openai.com/docs/api-reference/responses/create and the `openai` npm
// SDK 6.30 types `ResponseCreateParamsBase`, `Response` and `ResponseStreamEvent`.
//
// Output items a client got back (`response.output`) are accepted as input again, ids and status
// included, because that is how the SDK's function-call round trip is written.
import { z } from 'zod'
import { requestValidationError } from './request-validation.ts'

const toolName = z
  .string()
  .regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 characters of a-z, A-Z, 0-9, _ or -')

const inputTextSchema = z.strictObject({ type: z.literal('input_text'), text: z.string() })
const inputImageSchema = z.strictObject({
  type: z.literal('input_image'),
  image_url: z.string().min(1).nullish(),
  file_id: z.string().nullish(),
  detail: z.enum(['auto', 'low', 'high']).default('auto'),
})
const inputFileSchema = z.strictObject({
  type: z.literal('input_file'),
  file_data: z.string().optional(),
  file_id: z.string().nullish(),
  file_url: z.string().optional(),
  filename: z.string().optional(),
})
const outputTextSchema = z.strictObject({
  type: z.literal('output_text'),
  text: z.string(),
  annotations: z.array(z.unknown()).optional(),
  logprobs: z.array(z.unknown()).optional(),
})
const refusalSchema = z.strictObject({ type: z.literal('refusal'), refusal: z.string() })

const messageItemSchema = z.strictObject({
  type: z.literal('message').optional(),
  id: z.string().optional(),
  status: z.enum(['in_progress', 'completed', 'incomplete']).optional(),
  role: z.enum(['user', 'assistant', 'system', 'developer']),
  content: z.union([
    z.string(),
    z.array(
      z.discriminatedUnion('type', [
        inputTextSchema,
        inputImageSchema,
        inputFileSchema,
        outputTextSchema,
        refusalSchema,
      ]),
    ),
  ]),
})

const functionCallItemSchema = z.strictObject({
  type: z.literal('function_call'),
  id: z.string().optional(),
  status: z.enum(['in_progress', 'completed', 'incomplete']).optional(),
  call_id: z.string().min(1),
  name: toolName,
  arguments: z.string(),
})

const functionCallOutputItemSchema = z.strictObject({
  type: z.literal('function_call_output'),
  id: z.string().nullish(),
  status: z.enum(['in_progress', 'completed', 'incomplete']).nullish(),
  call_id: z.string().min(1),
  output: z.union([z.string(), z.array(inputTextSchema)]),
})

// Echoed reasoning items are accepted so `[...input, ...response.output]` works; translators decide
// what to do with them.
const reasoningItemSchema = z.strictObject({
  type: z.literal('reasoning'),
  id: z.string().optional(),
  status: z.enum(['in_progress', 'completed', 'incomplete']).optional(),
  summary: z.array(z.unknown()),
  content: z.array(z.unknown()).optional(),
  encrypted_content: z.string().nullish(),
})

export const inputItemSchema = z.union([
  messageItemSchema,
  z.discriminatedUnion('type', [
    functionCallItemSchema,
    functionCallOutputItemSchema,
    reasoningItemSchema,
  ]),
])

const functionToolSchema = z.strictObject({
  type: z.literal('function'),
  name: toolName,
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
})

// Hosted tools (web_search, file_search, …) have no Bedrock counterpart: the schema lets any tool
// type through so the refusal can name it, instead of a generic "invalid value".
const toolSchema = z.union([
  functionToolSchema,
  z.looseObject({ type: z.string().refine((type) => type !== 'function') }),
])

export const responsesToolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  z.strictObject({ type: z.literal('function'), name: toolName }),
])

// `text.format` is Structured Outputs in the Responses API: the json_schema fields sit on the format
// itself, not under a `json_schema` key as in Chat Completions.
const textFormatSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text') }),
  z.strictObject({ type: z.literal('json_object') }),
  z.strictObject({
    type: z.literal('json_schema'),
    name: toolName,
    schema: z.record(z.string(), z.unknown()),
    description: z.string().optional(),
    strict: z.boolean().nullish(),
  }),
])

const textConfigSchema = z.strictObject({
  format: textFormatSchema.optional(),
  verbosity: z.enum(['low', 'medium', 'high']).nullish(),
})

// The `include` values of the public API; most name outputs of hosted tools, which translators
// refuse on their own.
const includeSchema = z.enum([
  'code_interpreter_call.outputs',
  'computer_call_output.output.image_url',
  'file_search_call.results',
  'message.input_image.image_url',
  'message.output_text.logprobs',
  'reasoning.encrypted_content',
  'web_search_call.action.sources',
  'web_search_call.results',
])

export const responsesRequestSchema = z.strictObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(inputItemSchema).min(1)]),
  instructions: z.string().nullish(),
  tools: z.array(toolSchema).optional(),
  tool_choice: responsesToolChoiceSchema.optional(),
  parallel_tool_calls: z.boolean().nullish(),
  max_output_tokens: z.number().int().min(1).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  text: textConfigSchema.nullish(),
  reasoning: z
    .strictObject({
      effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']).nullish(),
      summary: z.enum(['auto', 'concise', 'detailed']).nullish(),
    })
    .nullish(),
  stream: z.boolean().nullish(),
  metadata: z.record(z.string().max(64), z.string().max(512)).nullish(),
  user: z.string().optional(),
  previous_response_id: z.string().nullish(),
  store: z.boolean().nullish(),
  // Well-formed everywhere; whether a backend can run a response in the background is its
  // translator's business (Mantle can, Converse cannot).
  background: z.boolean().nullish(),
  include: z.array(includeSchema).nullish(),
  service_tier: z.enum(['auto', 'default', 'flex', 'scale', 'priority']).nullish(),
  safety_identifier: z.string().max(64).optional(),
  prompt_cache_key: z.string().optional(),
  truncation: z.enum(['auto', 'disabled']).nullish(),
  max_tool_calls: z.number().int().min(1).nullish(),
  top_logprobs: z.number().int().min(0).max(20).nullish(),
  stream_options: z.strictObject({ include_obfuscation: z.boolean().optional() }).nullish(),
})

export type ResponsesRequest = z.infer<typeof responsesRequestSchema>
export type ResponsesInputItem = z.infer<typeof inputItemSchema>
export type ResponsesTool = z.infer<typeof toolSchema>
export type ResponsesTextFormat = z.infer<typeof textFormatSchema>

/** parseResponsesRequest validates an untrusted body, or throws an OpenAI-style 400. */
export function parseResponsesRequest(body: unknown): ResponsesRequest {
  const result = responsesRequestSchema.safeParse(body, { reportInput: true })
  if (!result.success) throw requestValidationError(result.error.issues)
  return result.data
}

export interface ResponseOutputText {
  type: 'output_text'
  text: string
  annotations: unknown[]
  logprobs: unknown[]
}

export interface ResponseMessageItem {
  id: string
  type: 'message'
  status: 'in_progress' | 'completed'
  role: 'assistant'
  content: ResponseOutputText[]
}

export interface ResponseFunctionCallItem {
  id: string
  type: 'function_call'
  status: 'in_progress' | 'completed'
  call_id: string
  name: string
  arguments: string
}

export interface ResponseReasoningItem {
  id: string
  type: 'reasoning'
  summary: { type: 'summary_text'; text: string }[]
  content: { type: 'reasoning_text'; text: string }[]
}

export type ResponseOutputItem =
  ResponseMessageItem | ResponseFunctionCallItem | ResponseReasoningItem

export interface ResponseUsage {
  input_tokens: number
  input_tokens_details: { cached_tokens: number }
  output_tokens: number
  output_tokens_details: { reasoning_tokens: number }
  total_tokens: number
}

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete'

export interface ResponseObject {
  id: string
  object: 'response'
  created_at: number
  status: ResponseStatus
  error: null
  incomplete_details: { reason: 'max_output_tokens' | 'content_filter' } | null
  instructions: string | null
  max_output_tokens: number | null
  model: string
  output: ResponseOutputItem[]
  parallel_tool_calls: boolean
  previous_response_id: null
  reasoning: { effort: string | null; summary: string | null }
  store: false
  temperature: number | null
  text: { format: ResponsesTextFormat }
  tool_choice: ResponsesRequest['tool_choice'] & {}
  tools: ResponsesTool[]
  top_p: number | null
  truncation: 'disabled'
  usage: ResponseUsage | null
  metadata: Record<string, string>
  user?: string
}

/** One stream event: `type` and `sequence_number` plus the fields of that type. */
export interface ResponseStreamEvent {
  type: string
  sequence_number: number
  [field: string]: unknown
}
