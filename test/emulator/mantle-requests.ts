// Request bodies of Mantle's OpenAI-compatible APIs (OpenAI API reference: "Create chat
// completion", "Create a model response", "Create embeddings"). Lenient like the service: only
// what the emulator reads is checked, unknown parameters pass. A failure becomes a 400 naming
// the parameter the way OpenAI does.
import { z } from 'zod'
import { countWords, type Prompt } from './converse-reply.ts'
import { openAIFailure, type OpenAIFailure } from './openai-errors.ts'

const textPart = z.looseObject({ type: z.string(), text: z.string().optional() })
const content = z.union([z.string(), z.array(textPart), z.null()]).optional()

export const chatRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z
    .array(
      z.looseObject({
        role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
        content,
      }),
    )
    .min(1),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
})
export type ChatRequest = z.infer<typeof chatRequestSchema>

const inputItem = z.looseObject({
  type: z.string().optional(),
  role: z.string().optional(),
  content,
})

export const responsesRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(inputItem)]),
  instructions: z.string().nullish(),
  stream: z.boolean().nullish(),
  max_output_tokens: z.int().positive().nullish(),
  store: z.boolean().nullish(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  tools: z.array(z.unknown()).nullish(),
  tool_choice: z.unknown().optional(),
  reasoning: z.looseObject({ effort: z.string().nullish() }).nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
})
export type ResponsesRequest = z.infer<typeof responsesRequestSchema>

export const embeddingsRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([
    z.string(),
    z.array(z.string()).min(1),
    z.array(z.int()).min(1),
    z.array(z.array(z.int()).min(1)).min(1),
  ]),
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: z.int().positive().optional(),
})
export type EmbeddingsRequest = z.infer<typeof embeddingsRequestSchema>

export function parseRequest<T>(
  schema: z.ZodType<T>,
  body: unknown,
): { ok: true; request: T } | { ok: false; failure: OpenAIFailure } {
  if (body === undefined || typeof body !== 'object' || body === null || Array.isArray(body)) {
    const message = 'We could not parse the JSON body of your request.'
    return { ok: false, failure: openAIFailure(400, message, 'invalid_json') }
  }
  const parsed = schema.safeParse(body)
  if (parsed.success) return { ok: true, request: parsed.data }
  const issue = parsed.error.issues[0]
  const param = issue?.path.join('.') ?? ''
  const missing = issue?.code === 'invalid_type' && issue.input === undefined
  const message = missing
    ? `Missing required parameter: '${param}'.`
    : `Invalid value for '${param}': ${issue?.message ?? 'invalid'}.`
  return { ok: false, failure: openAIFailure(400, message, 'invalid_value', param) }
}

type Content = z.infer<typeof content>

function textsOf(value: Content): string[] {
  if (typeof value === 'string') return [value]
  return (value ?? []).flatMap((part) => (typeof part.text === 'string' ? [part.text] : []))
}

function promptOf(
  turns: { role?: string | undefined; content?: Content }[],
  extra: string[],
): Prompt {
  const texts = turns.map((turn) => ({ role: turn.role, texts: textsOf(turn.content) }))
  const lastUser = texts.findLast((turn) => turn.role === 'user' && turn.texts.length > 0)
  return {
    lastUserText: lastUser?.texts.join('\n') ?? '',
    inputTokens: countWords(...extra, ...texts.flatMap((turn) => turn.texts)),
  }
}

export function chatPrompt(request: ChatRequest): Prompt {
  return promptOf(request.messages, [])
}

export function responsesPrompt(request: ResponsesRequest): Prompt {
  const instructions = request.instructions ?? undefined
  const items =
    typeof request.input === 'string' ? [{ role: 'user', content: request.input }] : request.input
  return promptOf(items, instructions === undefined ? [] : [instructions])
}

/** The texts to embed; token-id inputs embed their ids' decimal text. */
export function embeddingInputs(request: EmbeddingsRequest): string[] {
  const { input } = request
  if (typeof input === 'string') return [input]
  if (input.every((item) => typeof item === 'string')) return input
  if (input.every((item) => typeof item === 'number')) return [input.join(' ')]
  return input.map((ids) => (Array.isArray(ids) ? ids.join(' ') : String(ids)))
}
