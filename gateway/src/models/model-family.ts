// Which model family a Converse target belongs to, for the few mappings that differ per family
// (reasoning effort). Reference: docs/reference/bedrock-runtime.md, "Converse and ConverseStream"
// (accepted modelId forms) and "Model ids and reasoning" (ids and cross-region profile prefixes).
//
// An application-inference-profile ARN (what Strata routes to for cost attribution) hides the
// model, so the caller passes the base model id it knows from the routing table.

export interface ModelFamily {
  /** The provider segment of the base model id, e.g. `anthropic`, `amazon`, `openai`. */
  provider: string
  /** The base model id without provider, region prefix or version suffix, e.g. `claude-sonnet-4-6`. */
  model: string
}

// Cross-region inference profiles prefix the model id with a geography.
const profilePrefixes = new Set(['us', 'eu', 'apac', 'jp', 'au', 'ca', 'global', 'us-gov', 'uk'])

// ARN resource types whose tail is a readable model or system-profile id.
const transparentArnTypes = new Set(['foundation-model', 'inference-profile'])

function baseIdOf(modelId: string): string | undefined {
  if (!modelId.startsWith('arn:')) return modelId
  const resource = modelId.split(':').slice(5).join(':')
  const slash = resource.indexOf('/')
  if (slash < 0) return undefined
  return transparentArnTypes.has(resource.slice(0, slash)) ? resource.slice(slash + 1) : undefined
}

/**
 * modelFamilyOf derives the family from a model id, an inference-profile id or a transparent ARN.
 * `baseModelId` (when the caller knows it) wins, because ARNs of application inference profiles,
 * provisioned throughput and custom models carry no model name. Returns undefined when unknown.
 *
 * @example modelFamilyOf('us.anthropic.claude-sonnet-4-5-20250929-v1:0')
 *   // → { provider: 'anthropic', model: 'claude-sonnet-4-5-20250929' }
 */
export function modelFamilyOf(modelId: string, baseModelId?: string): ModelFamily | undefined {
  const base = baseModelId ?? baseIdOf(modelId)
  if (base === undefined) return undefined
  const segments = base.split('.')
  if (segments.length > 2 && profilePrefixes.has(segments[0] ?? '')) segments.shift()
  const [provider, ...rest] = segments
  if (provider === undefined || rest.length === 0) return undefined
  const model = rest
    .join('.')
    .replace(/:\d+(:[\w.]+)?$/, '')
    .replace(/-v\d+$/, '')
  return { provider: provider.toLowerCase(), model: model.toLowerCase() }
}

export interface ClaudeVersion {
  major: number
  minor: number
}

/**
 * claudeVersionOf reads the generation of a Claude model across both naming schemes:
 * `claude-3-7-sonnet-20250219` (3.7) and `claude-sonnet-4-5-20250929` / `claude-opus-4-6` (4.5, 4.6).
 */
export function claudeVersionOf(family: ModelFamily): ClaudeVersion | undefined {
  if (family.provider !== 'anthropic') return undefined
  const numbers = /^claude-(\d+)(?:-(\d{1,2}))?-[a-z]+(?=-|$)/.exec(family.model)
  if (numbers !== null) return { major: Number(numbers[1]), minor: Number(numbers[2] ?? 0) }
  const named = /^claude-[a-z]+-(\d+)(?:-(\d{1,2})(?=-|$))?(?=-|$)/.exec(family.model)
  if (named !== null) return { major: Number(named[1]), minor: Number(named[2] ?? 0) }
  return undefined
}
