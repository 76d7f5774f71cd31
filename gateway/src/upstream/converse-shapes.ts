// Amazon Bedrock Runtime Converse wire shapes: what we send (plain types, we build it) and what we
// read back (zod, lenient: unknown keys pass, optional things are nullish).
// Reference: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html and
// the botocore model bedrock-runtime/2023-09-30 (summary: docs/reference/bedrock-runtime.md).
import { z } from 'zod'

export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'webp'
export type DocumentFormat = 'pdf' | 'csv' | 'doc' | 'docx' | 'xls' | 'xlsx' | 'html' | 'txt' | 'md'

/** Bytes travel as base64 in rest-json. */
export interface CachePoint {
  type: 'default'
  ttl?: '5m' | '1h'
}

export type ReasoningBlock =
  { reasoningText: { text: string; signature?: string } } | { redactedContent: string }

export type ToolResultContent = { text: string } | { json: unknown }

export type ConverseContentBlock =
  | { text: string }
  | { image: { format: ImageFormat; source: { bytes: string } } }
  | { document: { format: DocumentFormat; name: string; source: { bytes: string } } }
  | { toolUse: { toolUseId: string; name: string; input: unknown } }
  | {
      toolResult: { toolUseId: string; content: ToolResultContent[]; status?: 'success' | 'error' }
    }
  | { reasoningContent: ReasoningBlock }
  | { cachePoint: CachePoint }

export type ConverseRole = 'user' | 'assistant'

export interface ConverseMessage {
  role: ConverseRole
  content: ConverseContentBlock[]
}

export type SystemContentBlock = { text: string } | { cachePoint: CachePoint }

export interface ToolSpec {
  name: string
  description?: string
  inputSchema: { json: unknown }
  strict?: boolean
}

export type ConverseTool = { toolSpec: ToolSpec } | { cachePoint: CachePoint }

export type ConverseToolChoice = { auto: object } | { any: object } | { tool: { name: string } }

export interface ToolConfig {
  tools: ConverseTool[]
  toolChoice?: ConverseToolChoice
}

export interface InferenceConfig {
  maxTokens?: number
  temperature?: number
  topP?: number
  stopSequences?: string[]
}

export interface OutputConfig {
  textFormat?: {
    type: 'json_schema'
    structure: { jsonSchema: { schema: string; name?: string; description?: string } }
  }
  effort?: string
}

export type ServiceTierType = 'priority' | 'default' | 'flex' | 'reserved'

/** The Converse / ConverseStream request body; `modelId` travels in the path. */
export interface ConverseRequest {
  messages: ConverseMessage[]
  system?: SystemContentBlock[]
  inferenceConfig?: InferenceConfig
  toolConfig?: ToolConfig
  additionalModelRequestFields?: Record<string, unknown>
  requestMetadata?: Record<string, string>
  outputConfig?: OutputConfig
  serviceTier?: { type: ServiceTierType }
  guardrailConfig?: {
    guardrailIdentifier: string
    guardrailVersion: string
    trace?: 'enabled' | 'disabled' | 'enabled_full'
    streamProcessingMode?: 'sync' | 'async'
  }
}

export const converseUsageSchema = z.looseObject({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  totalTokens: z.number().int().nonnegative().nullish(),
  cacheReadInputTokens: z.number().int().nonnegative().nullish(),
  cacheWriteInputTokens: z.number().int().nonnegative().nullish(),
})

const outputBlockSchema = z.looseObject({
  text: z.string().nullish(),
  toolUse: z
    .looseObject({ toolUseId: z.string(), name: z.string(), input: z.unknown().optional() })
    .nullish(),
  reasoningContent: z
    .looseObject({
      reasoningText: z.looseObject({ text: z.string(), signature: z.string().nullish() }).nullish(),
      redactedContent: z.string().nullish(),
    })
    .nullish(),
})

export const converseResponseSchema = z.looseObject({
  output: z
    .looseObject({
      message: z
        .looseObject({ role: z.string().nullish(), content: z.array(outputBlockSchema) })
        .nullish(),
    })
    .nullish(),
  stopReason: z.string(),
  usage: converseUsageSchema,
  serviceTier: z.looseObject({ type: z.string() }).nullish(),
})

export type ConverseUsage = z.infer<typeof converseUsageSchema>
export type ConverseOutputBlock = z.infer<typeof outputBlockSchema>
export type ConverseResponse = z.infer<typeof converseResponseSchema>
