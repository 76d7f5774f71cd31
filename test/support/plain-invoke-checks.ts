// The InvokeModel and CountTokens bodies the plain Bedrock stand-in (plain-bedrock.ts) accepts,
// from the public contracts: the Claude body of the user guide's "Anthropic Claude Messages API"
// (`anthropic_version: bedrock-2023-05-31`, `max_tokens`, `messages`, and no key outside the
// documented body: "extraneous key [...] is not permitted", as Bedrock words it), Titan Text
// Embeddings V2 and Cohere Embed (user guide, model parameters), and CountTokens (API reference
// "CountTokens": `input.invokeModel.body` as base64 JSON).
import { isObject, validation } from './plain-aws-error.ts'

// The Claude body on Bedrock: the user guide's request plus extended thinking and structured output.
const claudeMembers = new Set([
  'anthropic_version',
  'anthropic_beta',
  'max_tokens',
  'system',
  'messages',
  'temperature',
  'top_p',
  'top_k',
  'tools',
  'tool_choice',
  'stop_sequences',
  'thinking',
  'output_config',
])
const titanMembers = new Set(['inputText', 'dimensions', 'normalize', 'embeddingTypes'])
const cohereMembers = new Set([
  'texts',
  'images',
  'inputs',
  'input_type',
  'truncate',
  'embedding_types',
  'output_dimension',
  'max_tokens',
])

export type ModelFamily = 'claude' | 'nova' | 'titan-embed' | 'cohere-embed'

/** The family of a model id, or of the foundation model behind a known profile ARN. */
export function familyOf(modelId: string, profiles: ReadonlyMap<string, string>): ModelFamily {
  const base = profiles.get(modelId) ?? modelId
  if (/^(us\.|eu\.|global\.)?anthropic\.claude-/.test(base)) return 'claude'
  if (/^(us\.)?amazon\.nova-/.test(base)) return 'nova'
  if (/^amazon\.titan-embed-text-v2/.test(base)) return 'titan-embed'
  if (/^(us\.)?cohere\.embed-/.test(base)) return 'cohere-embed'
  throw validation('The provided model identifier is invalid.')
}

function requireOnly(body: Record<string, unknown>, members: ReadonlySet<string>): void {
  for (const key of Object.keys(body)) {
    if (!members.has(key))
      throw validation(
        `Malformed input request: #: extraneous key [${key}] is not permitted, please reformat your input and try again.`,
      )
  }
}

function checkClaude(body: Record<string, unknown>): void {
  requireOnly(body, claudeMembers)
  if (body['anthropic_version'] !== 'bedrock-2023-05-31')
    throw validation('Malformed input request: anthropic_version must be bedrock-2023-05-31.')
  if (!Number.isInteger(body['max_tokens']))
    throw validation('Malformed input request: #: required key [max_tokens] not found.')
  if (!Array.isArray(body['messages']))
    throw validation('Malformed input request: #: required key [messages] not found.')
}

export function checkInvoke(
  family: ModelFamily,
  body: Record<string, unknown>,
  stream: boolean,
): void {
  if (family === 'claude') {
    checkClaude(body)
    return
  }
  if (stream || family === 'nova')
    throw validation('The model does not support this operation in this stand-in.')
  if (family === 'titan-embed') {
    requireOnly(body, titanMembers)
    if (typeof body['inputText'] !== 'string')
      throw validation('Malformed input request: #: required key [inputText] not found.')
    return
  }
  requireOnly(body, cohereMembers)
  if (typeof body['input_type'] !== 'string')
    throw validation('Malformed input request: #: required key [input_type] not found.')
}

export function checkCountTokens(family: ModelFamily, body: Record<string, unknown>): void {
  const input = body['input']
  const invoke = isObject(input) ? input['invokeModel'] : undefined
  if (!isObject(invoke) || typeof invoke['body'] !== 'string')
    throw validation('input.invokeModel.body is required.')
  const inner: unknown = JSON.parse(Buffer.from(invoke['body'], 'base64').toString('utf8'))
  if (!isObject(inner) || family !== 'claude') throw validation('Malformed input request.')
  checkClaude(inner)
}
