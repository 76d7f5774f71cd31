// What each backend can do with a reasoning effort, in OpenAI's vocabulary, so the dispatch layer
// can normalise one request for any route backend. The per-family facts come from
// docs/reference/bedrock-runtime.md and mantle.md ("Model ids") and the table in
// translators/openai-to-converse/reasoning.ts, which turns the normalised effort into each family's
// Converse fields.
//
// | backend  | family               | knob   | efforts honoured                       |
// |----------|----------------------|--------|----------------------------------------|
// | converse | Claude 3.7 – 4.5     | budget | none minimal low medium high xhigh     |
// | converse | Claude 4.6 and later | level  | none low medium high xhigh             |
// | converse | Nova 2               | level  | none low medium high                   |
// | converse | gpt-oss              | level  | low medium high                        |
// | converse | anything else        | none   | none (any other effort is dropped)     |
// | mantle   | gpt-oss              | level  | low medium high                        |
// | mantle   | anything else        | level  | none low medium high xhigh (Mantle's)  |
import type { RouteBackend } from '@strata/crds'
import { claudeVersionOf, type ModelFamily } from './model-family.ts'

export const reasoningEfforts = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'] as const
export type ReasoningEffort = (typeof reasoningEfforts)[number]

export interface ReasoningCapability {
  /**
   * `budget`: reasoning is sized in tokens (Claude's thinking budget, below max tokens);
   * `level`: a named effort the model interprets; `none`: reasoning cannot be asked for.
   */
  knob: 'budget' | 'level' | 'none'
  /** The efforts honoured, lowest first. */
  levels: readonly ReasoningEffort[]
  /**
   * Whether the upstream max-tokens bounds reasoning plus visible output (`inclusive`, every family
   * we know) or visible output alone, in which case the gateway takes the reasoning share off it.
   */
  accounting: 'inclusive' | 'visible-only'
}

const cannotReason: ReasoningCapability = {
  knob: 'none',
  levels: ['none'],
  accounting: 'inclusive',
}

const level = (levels: readonly ReasoningEffort[]): ReasoningCapability => ({
  knob: 'level',
  levels,
  accounting: 'inclusive',
})

const openWeightLevels = level(['low', 'medium', 'high'])

function converseCapability(family: ModelFamily | undefined): ReasoningCapability {
  if (family === undefined) return cannotReason
  if (family.provider === 'anthropic') {
    const version = claudeVersionOf(family)
    const generation = version === undefined ? 0 : version.major + version.minor / 10
    if (generation < 3.7) return cannotReason
    if (generation < 4.6)
      return { knob: 'budget', levels: reasoningEfforts, accounting: 'inclusive' }
    return level(['none', 'low', 'medium', 'high', 'xhigh'])
  }
  if (family.provider === 'amazon' && family.model.startsWith('nova-2'))
    return level(['none', 'low', 'medium', 'high'])
  if (family.provider === 'openai' && family.model.startsWith('gpt-oss')) return openWeightLevels
  return cannotReason
}

/** reasoningCapabilityOf says how a backend of `kind` serving `family` takes reasoning. */
export function reasoningCapabilityOf(
  kind: RouteBackend['kind'],
  family: ModelFamily | undefined,
): ReasoningCapability {
  if (kind === 'converse') return converseCapability(family)
  if (family?.provider === 'openai' && family.model.startsWith('gpt-oss')) return openWeightLevels
  return level(['none', 'low', 'medium', 'high', 'xhigh'])
}

const rank = (effort: ReasoningEffort): number => reasoningEfforts.indexOf(effort)

/**
 * normaliseEffort maps an effort to the nearest one the capability honours; between two equally
 * near, the one that still reasons when reasoning was asked for. Undefined when the backend cannot
 * reason at all and the client asked it to (the caller drops or refuses the parameter).
 */
export function normaliseEffort(
  effort: ReasoningEffort,
  capability: ReasoningCapability,
): ReasoningEffort | undefined {
  if (capability.levels.includes(effort)) return effort
  if (capability.knob === 'none') return undefined
  let best: ReasoningEffort | undefined
  for (const candidate of capability.levels) {
    if (best === undefined) {
      best = candidate
      continue
    }
    const distance = Math.abs(rank(candidate) - rank(effort))
    const bestDistance = Math.abs(rank(best) - rank(effort))
    if (distance < bestDistance || (distance === bestDistance && effort !== 'none'))
      best = candidate
  }
  return best
}
