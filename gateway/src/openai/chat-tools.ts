// Tool, tool_choice and response_format shapes of OpenAI Chat Completions.
// Reference: https://platform.openai.com/docs/api-reference/chat/create (tools, tool_choice,
// response_format) and the `openai` npm SDK 6.x types `ChatCompletionTool`,
// `ChatCompletionToolChoiceOption`, `ResponseFormatJSONSchema`.
import { z } from 'zod'
import { cacheControlSchema } from './chat-messages.ts'

// OpenAI and Converse agree on the tool name grammar, so a bad name fails here, not upstream.
const toolNameSchema = z
  .string()
  .regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 characters of a-z, A-Z, 0-9, _ or -')

export const functionToolSchema = z.strictObject({
  type: z.literal('function'),
  function: z.strictObject({
    name: toolNameSchema,
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish(),
  }),
  cache_control: cacheControlSchema.optional(),
})

export const customToolSchema = z.strictObject({
  type: z.literal('custom'),
  custom: z.strictObject({
    name: z.string(),
    description: z.string().optional(),
    format: z.record(z.string(), z.unknown()).optional(),
  }),
})

export const toolSchema = z.discriminatedUnion('type', [functionToolSchema, customToolSchema])

export const namedToolChoiceSchema = z.strictObject({
  type: z.literal('function'),
  function: z.strictObject({ name: toolNameSchema }),
})

export const toolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  z.discriminatedUnion('type', [
    namedToolChoiceSchema,
    z.strictObject({
      type: z.literal('allowed_tools'),
      allowed_tools: z.strictObject({
        mode: z.enum(['auto', 'required']),
        tools: z.array(z.record(z.string(), z.unknown())),
      }),
    }),
    z.strictObject({ type: z.literal('custom'), custom: z.strictObject({ name: z.string() }) }),
  ]),
])

export const jsonSchemaFormatSchema = z.strictObject({
  type: z.literal('json_schema'),
  json_schema: z.strictObject({
    name: z
      .string()
      .regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 characters of a-z, A-Z, 0-9, _ or -'),
    description: z.string().optional(),
    schema: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish(),
  }),
})

export const responseFormatSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text') }),
  z.strictObject({ type: z.literal('json_object') }),
  jsonSchemaFormatSchema,
])

export type Tool = z.infer<typeof toolSchema>
export type ToolChoice = z.infer<typeof toolChoiceSchema>
export type ResponseFormat = z.infer<typeof responseFormatSchema>
