// The checks Bedrock and Claude make on an InvokeModel body in Anthropic's Messages format
// (`anthropic_version: bedrock-2023-05-31`). References: the Bedrock user guide, "Anthropic Claude
// Messages API" (request fields; `anthropic_beta` as a body list), and Anthropic's Messages API
// (content blocks, extended thinking, tool use). Wording of the refusals as Bedrock writes them:
// "Malformed input request: #: extraneous key [model] is not permitted" for fields Bedrock takes
// elsewhere (`model` is the path, `stream` the operation), and Claude's own messages, prefixed
// "The model returned the following errors:" as Converse reports them.
import { createHash } from 'node:crypto'
import { z } from 'zod'

/** The beta flags Bedrock accepts for Claude in `anthropic_beta`; others are refused. */
export const bedrockAnthropicBetas = [
  'computer-use-2024-10-22',
  'computer-use-2025-01-24',
  'computer-use-2025-11-24',
  'token-efficient-tools-2025-02-19',
  'interleaved-thinking-2025-05-14',
  'output-128k-2025-02-19',
  'dev-full-thinking-2025-05-14',
  'context-1m-2025-08-07',
  'context-management-2025-06-27',
  'effort-2025-11-24',
  'tool-search-tool-2025-10-19',
  'tool-examples-2025-10-29',
  'fine-grained-tool-streaming-2025-05-14',
] as const

const blockSchema = z.looseObject({ type: z.string() })
const contentSchema = z.union([z.string(), z.array(blockSchema)])

const bodySchema = z.looseObject({
  anthropic_version: z.literal('bedrock-2023-05-31'),
  anthropic_beta: z.array(z.string()).optional(),
  max_tokens: z.int().positive(),
  system: z.union([z.string(), z.array(blockSchema)]).optional(),
  messages: z
    .array(z.looseObject({ role: z.enum(['user', 'assistant']), content: contentSchema }))
    .min(1),
  thinking: z.looseObject({ type: z.string(), budget_tokens: z.unknown().optional() }).optional(),
  tools: z.array(z.looseObject({ name: z.string() })).optional(),
})

export type AnthropicBody = z.infer<typeof bodySchema>
export type ContentBlock = z.infer<typeof blockSchema>

export type Validation = { ok: true; body: AnthropicBody } | { ok: false; message: string }

const extraneous = ['model', 'stream'] as const
const modelPrefix = 'The model returned the following errors: '

/** The signature the emulated Claude puts on a thinking block, and checks when it comes back. */
export function thinkingSignature(thinking: string): string {
  const digest = createHash('sha256').update(`strata-emulator-thinking\n${thinking}`).digest()
  return Buffer.concat([Buffer.from('EmuSig1'), digest]).toString('base64')
}

export function blocksOf(content: string | readonly ContentBlock[]): ContentBlock[] {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : [...content]
}

function thinkingError(body: AnthropicBody): string | undefined {
  const thinking = body.thinking
  if (thinking?.type !== 'enabled') return undefined
  const budget = thinking.budget_tokens
  if (typeof budget !== 'number' || !Number.isInteger(budget))
    return `${modelPrefix}thinking.enabled.budget_tokens: Field required`
  if (budget < 1024)
    return `${modelPrefix}thinking.enabled.budget_tokens: Input should be greater than or equal to 1024`
  if (body.max_tokens <= budget)
    return `${modelPrefix}\`max_tokens\` must be greater than \`thinking.budget_tokens\``
  return undefined
}

// Replayed thinking must carry the signature Claude gave it, byte for byte.
function signatureError(body: AnthropicBody): string | undefined {
  for (const [index, message] of body.messages.entries()) {
    if (message.role !== 'assistant') continue
    for (const block of blocksOf(message.content)) {
      if (block.type !== 'thinking') continue
      const { thinking, signature } = block as { thinking?: unknown; signature?: unknown }
      if (typeof thinking !== 'string' || signature !== thinkingSignature(thinking))
        return `${modelPrefix}messages.${index}.content: Invalid \`signature\` in \`thinking\` block`
    }
  }
  return undefined
}

// Every tool_result answers a tool_use of the assistant turn right before it.
function toolResultError(body: AnthropicBody): string | undefined {
  for (const [index, message] of body.messages.entries()) {
    if (message.role !== 'user') continue
    const results = blocksOf(message.content).filter((block) => block.type === 'tool_result')
    if (results.length === 0) continue
    const previous = body.messages[index - 1]
    const asked = new Set(
      previous?.role === 'assistant'
        ? blocksOf(previous.content)
            .filter((block) => block.type === 'tool_use')
            .map((block) => (block as { id?: unknown }).id)
        : [],
    )
    for (const result of results) {
      const id = (result as { tool_use_id?: unknown }).tool_use_id
      if (!asked.has(id))
        return `${modelPrefix}messages.${index}.content: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`
    }
  }
  return undefined
}

export function validateAnthropicBody(raw: unknown): Validation {
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    const key = extraneous.find((name) => name in raw)
    if (key !== undefined)
      return {
        ok: false,
        message: `Malformed input request: #: extraneous key [${key}] is not permitted, please reformat your input and try again.`,
      }
  }
  const parsed = bodySchema.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const path = issue?.path.join('/') ?? ''
    return {
      ok: false,
      message: `Malformed input request: #${path === '' ? '' : `/${path}`}: ${issue?.message ?? 'invalid'}, please reformat your input and try again.`,
    }
  }
  const body = parsed.data
  const known = new Set<string>(bedrockAnthropicBetas)
  const badBeta = body.anthropic_beta?.find((flag) => !known.has(flag))
  if (badBeta !== undefined) return { ok: false, message: `invalid beta flag: ${badBeta}` }
  const message = thinkingError(body) ?? signatureError(body) ?? toolResultError(body)
  return message === undefined ? { ok: true, body } : { ok: false, message }
}
