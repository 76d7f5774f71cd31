// Client-side message shapes of OpenAI Chat Completions, validated strictly.
// Reference: https://platform.openai.com/docs/api-reference/chat/create (messages) and the `openai`
// npm SDK 6.x types `ChatCompletionMessageParam` / `ChatCompletionContentPart`.
//
// Extensions accepted on input, because real clients send them:
// - `cache_control: {type: "ephemeral", ttl?}` on content parts, messages and tools (Anthropic-style
//   prompt caching hints, sent by LiteLLM-style clients) becomes a Converse `cachePoint`.
// - `reasoning_content` + `reasoning_signature` on assistant messages: what our responses return,
//   echoed back so multi-turn thinking with tools round-trips.
import { z } from 'zod'

export const cacheControlSchema = z.strictObject({
  type: z.literal('ephemeral'),
  ttl: z.enum(['5m', '1h']).optional(),
})

export const textPartSchema = z.strictObject({
  type: z.literal('text'),
  text: z.string(),
  cache_control: cacheControlSchema.optional(),
})

export const imagePartSchema = z.strictObject({
  type: z.literal('image_url'),
  image_url: z.strictObject({
    url: z.string().min(1),
    detail: z.enum(['auto', 'low', 'high']).optional(),
  }),
  cache_control: cacheControlSchema.optional(),
})

export const inputAudioPartSchema = z.strictObject({
  type: z.literal('input_audio'),
  input_audio: z.strictObject({ data: z.string(), format: z.enum(['wav', 'mp3']) }),
})

export const filePartSchema = z.strictObject({
  type: z.literal('file'),
  file: z.strictObject({
    file_data: z.string().optional(),
    file_id: z.string().optional(),
    filename: z.string().optional(),
  }),
  cache_control: cacheControlSchema.optional(),
})

export const refusalPartSchema = z.strictObject({
  type: z.literal('refusal'),
  refusal: z.string(),
})

const userPartSchema = z.discriminatedUnion('type', [
  textPartSchema,
  imagePartSchema,
  inputAudioPartSchema,
  filePartSchema,
])

const textContentSchema = z.union([z.string(), z.array(textPartSchema)])

const messageCommon = {
  name: z.string().optional(),
  cache_control: cacheControlSchema.optional(),
}

export const systemMessageSchema = z.strictObject({
  role: z.literal('system'),
  content: textContentSchema,
  ...messageCommon,
})

export const developerMessageSchema = z.strictObject({
  role: z.literal('developer'),
  content: textContentSchema,
  ...messageCommon,
})

export const userMessageSchema = z.strictObject({
  role: z.literal('user'),
  content: z.union([z.string(), z.array(userPartSchema)]),
  ...messageCommon,
})

export const functionToolCallSchema = z.strictObject({
  id: z.string().min(1),
  type: z.literal('function'),
  function: z.strictObject({ name: z.string().min(1), arguments: z.string() }),
})

export const customToolCallSchema = z.strictObject({
  id: z.string().min(1),
  type: z.literal('custom'),
  custom: z.strictObject({ name: z.string(), input: z.string() }),
})

export const assistantMessageSchema = z.strictObject({
  role: z.literal('assistant'),
  content: z
    .union([z.string(), z.array(z.discriminatedUnion('type', [textPartSchema, refusalPartSchema]))])
    .nullish(),
  refusal: z.string().nullish(),
  tool_calls: z
    .array(z.discriminatedUnion('type', [functionToolCallSchema, customToolCallSchema]))
    .optional(),
  function_call: z.strictObject({ name: z.string(), arguments: z.string() }).nullish(),
  audio: z.strictObject({ id: z.string() }).nullish(),
  // What a client gets back from us (or from OpenAI) and may echo; output-only, ignored on input.
  annotations: z.array(z.unknown()).nullish(),
  reasoning_content: z.string().nullish(),
  reasoning_signature: z.string().nullish(),
  ...messageCommon,
})

export const toolMessageSchema = z.strictObject({
  role: z.literal('tool'),
  content: textContentSchema,
  tool_call_id: z.string().min(1),
  cache_control: cacheControlSchema.optional(),
})

export const functionMessageSchema = z.strictObject({
  role: z.literal('function'),
  content: z.string().nullable(),
  name: z.string(),
})

export const messageSchema = z.discriminatedUnion('role', [
  systemMessageSchema,
  developerMessageSchema,
  userMessageSchema,
  assistantMessageSchema,
  toolMessageSchema,
  functionMessageSchema,
])

export type CacheControl = z.infer<typeof cacheControlSchema>
export type TextPart = z.infer<typeof textPartSchema>
export type ImagePart = z.infer<typeof imagePartSchema>
export type FilePart = z.infer<typeof filePartSchema>
export type UserContentPart = z.infer<typeof userPartSchema>
export type ChatMessage = z.infer<typeof messageSchema>
export type AssistantMessage = z.infer<typeof assistantMessageSchema>
export type ToolMessage = z.infer<typeof toolMessageSchema>
