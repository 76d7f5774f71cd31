// Token budgets that mean the same on every family. A client's max tokens (`max_completion_tokens`,
// `max_output_tokens`, capped by the route) is, as in OpenAI's API, the bound on everything the
// model generates: hidden reasoning plus visible output. The route's `limits.maxReasoningPercent`
// (default 50) is the share reasoning may take, so a request can never spend the whole budget on
// reasoning unless the route allows 100.
//
// Each effort has a nominal reasoning size, the thinking budget Claude 3.7 – 4.5 gets for it:
// minimal 1024, low 2048, medium 8192, high 16384, xhigh 32768 tokens.
// - `budget` families: the effort is lowered until its budget fits the share (and stays below max
//   tokens, as Claude requires). Without a max, the upstream max is sized so visible output keeps
//   its share. When not even 1024 tokens fit, reasoning cannot be honoured.
// - `level` families: the same lowering, so a small budget gets a small effort; when nothing fits,
//   the lowest reasoning level (the model cannot be held to a token count).
// - `visible-only` accounting: the reasoning share is taken off the upstream max.
import type { ReasoningCapability, ReasoningEffort } from './reasoning-capability.ts'
import { reasoningEfforts } from './reasoning-capability.ts'

export const defaultMaxReasoningPercent = 50

/** The thinking budget of each effort: Claude's `budget_tokens`, and the yardstick of the others. */
export const nominalReasoningTokens: Readonly<Record<Exclude<ReasoningEffort, 'none'>, number>> = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 16384,
  xhigh: 32768,
}

export interface BudgetRequest {
  /** Already normalised for the capability. */
  effort: ReasoningEffort
  capability: ReasoningCapability
  /** The client's max tokens after the route cap; undefined when neither set one. */
  maxTokens: number | undefined
  /** The route's `limits.maxReasoningPercent`. */
  maxReasoningPercent: number
}

export type BudgetPlan =
  | { ok: true; effort: ReasoningEffort; maxTokens: number | undefined }
  /** Not even the smallest budget fits: `minimumMaxTokens` would have. */
  | { ok: false; minimumMaxTokens: number }

const nominal = (effort: Exclude<ReasoningEffort, 'none'>): number => nominalReasoningTokens[effort]

/** The smallest max tokens whose reasoning share holds `tokens` with room for visible output. */
function maxTokensHolding(tokens: number, percent: number): number {
  if (percent <= 0) return Number.POSITIVE_INFINITY
  return Math.max(tokens + 1, Math.ceil((tokens * 100) / percent))
}

export function planReasoningBudget(request: BudgetRequest): BudgetPlan {
  const { effort, capability, maxTokens, maxReasoningPercent: percent } = request
  if (effort === 'none' || capability.knob === 'none') return { ok: true, effort, maxTokens }
  const candidates = capability.levels
    .filter(
      (level): level is Exclude<ReasoningEffort, 'none'> =>
        level !== 'none' && reasoningEfforts.indexOf(level) <= reasoningEfforts.indexOf(effort),
    )
    .reverse()
  const lowest = candidates.at(-1)
  if (lowest === undefined) return { ok: true, effort, maxTokens }
  const share = maxTokens === undefined ? undefined : Math.floor((maxTokens * percent) / 100)
  const fits = (level: Exclude<ReasoningEffort, 'none'>): boolean =>
    share === undefined ? percent > 0 : nominal(level) <= share && nominal(level) < (maxTokens ?? 0)
  const chosen = candidates.find(fits)
  if (chosen === undefined && capability.knob === 'budget')
    return { ok: false, minimumMaxTokens: maxTokensHolding(nominal(lowest), percent) }
  const level = chosen ?? lowest
  let upstream = maxTokens
  if (maxTokens === undefined && capability.knob === 'budget')
    upstream = maxTokensHolding(nominal(level), percent)
  if (maxTokens !== undefined && capability.accounting === 'visible-only')
    upstream = Math.max(1, maxTokens - Math.min(nominal(level), share ?? 0))
  return { ok: true, effort: level, maxTokens: upstream }
}
