// Sampling, limits, metadata and service tier: OpenAI top-level parameters → Converse
// `inferenceConfig`, `requestMetadata`, `serviceTier`.
// References: https://platform.openai.com/docs/api-reference/chat/create and
// https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_InferenceConfiguration.html,
// API_runtime_Converse.html (requestMetadata, serviceTier). Range checks that refuse values
// (temperature > 1, both max token fields) live in parameter-policy.ts.
import type { ChatCompletionRequest } from '../../openai/chat-completions.ts'
import type { InferenceConfig, ServiceTierType } from '../../upstream/converse-shapes.ts'
import { invalidRequest } from '../../errors/catalogue.ts'

type InferenceParameters = Pick<
  ChatCompletionRequest,
  'max_completion_tokens' | 'max_tokens' | 'temperature' | 'top_p' | 'stop'
>

/** toInferenceConfig maps sampling and limits; undefined when the client set none of them. */
export function toInferenceConfig(request: InferenceParameters): InferenceConfig | undefined {
  const config: InferenceConfig = {}
  const maxTokens = request.max_completion_tokens ?? request.max_tokens
  if (maxTokens !== undefined && maxTokens !== null) config.maxTokens = maxTokens
  if (request.temperature !== undefined && request.temperature !== null)
    config.temperature = request.temperature
  if (request.top_p !== undefined && request.top_p !== null) config.topP = request.top_p
  // Bedrock refuses an empty stop sequence (minimum length 1); it could never match, so it goes.
  const stop = request.stop
  const stops = (typeof stop === 'string' ? [stop] : (stop ?? [])).filter((item) => item !== '')
  if (stops.length > 0) config.stopSequences = stops
  return Object.keys(config).length === 0 ? undefined : config
}

// Bedrock's requestMetadata: 1–16 entries, key 1–256, value 0–256 characters of this alphabet.
const metadataPattern = /^[a-zA-Z0-9\s:_@$#=/+,\-.]*$/
const maxEntries = 16

function checkEntry(key: string, value: string, param: string): void {
  if (key.length === 0 || key.length > 256 || !metadataPattern.test(key)) {
    throw invalidRequest(
      `Invalid value for '${param}': metadata keys may only use letters, digits, spaces and : _ @ $ # = / + , - .`,
      param,
      'invalid_value',
    )
  }
  if (value.length > 256 || !metadataPattern.test(value)) {
    throw invalidRequest(
      `Invalid value for '${param}': values may have at most 256 characters of letters, digits, spaces and : _ @ $ # = / + , - .`,
      param,
      'invalid_value',
    )
  }
}

/**
 * toRequestMetadata carries `metadata`, `user` and `safety_identifier` into Bedrock's invocation
 * log metadata, so operators can filter logs by them. Values Bedrock would reject are a 400 here.
 */
export function toRequestMetadata(
  request: Pick<ChatCompletionRequest, 'metadata' | 'user' | 'safety_identifier'>,
): Record<string, string> | undefined {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(request.metadata ?? {})) {
    checkEntry(key, value, `metadata.${key}`)
    out[key] = value
  }
  if (request.user !== undefined) {
    checkEntry('user', request.user, 'user')
    out.user = request.user
  }
  if (request.safety_identifier !== undefined) {
    checkEntry('safety_identifier', request.safety_identifier, 'safety_identifier')
    out.safety_identifier = request.safety_identifier
  }
  const count = Object.keys(out).length
  if (count > maxEntries) {
    throw invalidRequest(
      `Invalid value for 'metadata': at most ${maxEntries} entries including 'user' and 'safety_identifier'.`,
      'metadata',
      'invalid_value',
    )
  }
  return count === 0 ? undefined : out
}

/** toServiceTier maps OpenAI's tiers; `auto` and absent mean Bedrock's default choice. */
export function toServiceTier(
  tier: ChatCompletionRequest['service_tier'],
): { type: ServiceTierType } | undefined {
  switch (tier) {
    case 'default':
    case 'flex':
    case 'priority':
      return { type: tier }
    default:
      return undefined
  }
}
