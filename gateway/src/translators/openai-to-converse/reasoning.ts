// OpenAI `reasoning_effort` → the reasoning switch of each model family on Converse. References:
// docs/reference/bedrock-runtime.md, "Model ids and reasoning"; AWS Bedrock user guide "Extended
// thinking" and "Adaptive thinking" (Claude), Amazon Nova 2 user guide "Extended thinking"
// (reasoningConfig), and Bedrock's OpenAI gpt-oss model parameters (reasoning_effort).
//
// | family                    | none      | minimal | low  | medium | high  | xhigh |
// |---------------------------|-----------|---------|------|--------|-------|-------|
// | Claude 3.7 – 4.5 (budget) | off       | 1024    | 2048 | 8192   | 16384 | 32768 | thinking.budget_tokens
// | Claude 4.6                | off       | low     | low  | medium | high  | max   | thinking adaptive + outputConfig.effort
// | Claude 4.7 and later      | off       | low     | low  | medium | high  | xhigh | thinking adaptive + outputConfig.effort
// | Amazon Nova 2             | off       | 400     | low  | medium | high  | 400   | reasoningConfig.maxReasoningEffort
// | OpenAI gpt-oss            | 400       | 400     | low  | medium | high  | 400   | reasoning_effort
// | anything else             | 400 (we cannot tell how that model switches reasoning)             |
//
// "off" sends nothing, which is each family's default. A 400 is better than a silently ignored
// field: the client asked for something the model cannot do.
import type { ChatCompletionRequest } from '../../openai/chat-completions.ts'
import { nominalReasoningTokens } from '../../models/reasoning-budget.ts'
import { claudeVersionOf, type ModelFamily } from '../../models/model-family.ts'
import { invalidRequest } from '../../errors/catalogue.ts'

export type ReasoningEffort = NonNullable<ChatCompletionRequest['reasoning_effort']>

export interface ReasoningFields {
  additionalModelRequestFields?: Record<string, unknown>
  effort?: string
  /** The thinking budget, which Claude requires to stay below maxTokens. */
  budgetTokens?: number
}

// One table for the budgets and the dispatch layer's yardstick of every other family.
const claudeBudgets = nominalReasoningTokens

function unsupported(effort: ReasoningEffort, supported: string): never {
  throw invalidRequest(
    `Unsupported value: 'reasoning_effort' does not support '${effort}' with this model. Supported values are: ${supported}.`,
    'reasoning_effort',
    'unsupported_value',
  )
}

function claude(family: ModelFamily, effort: ReasoningEffort): ReasoningFields {
  const version = claudeVersionOf(family)
  const generation = version === undefined ? 0 : version.major + version.minor / 10
  if (effort === 'none') return {}
  if (generation < 3.7) unsupported(effort, "'none'")
  if (generation < 4.6) {
    const budgetTokens = claudeBudgets[effort]
    return {
      additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: budgetTokens } },
      budgetTokens,
    }
  }
  const level =
    effort === 'minimal'
      ? 'low'
      : effort === 'xhigh'
        ? generation < 4.7
          ? 'max'
          : 'xhigh'
        : effort
  return { additionalModelRequestFields: { thinking: { type: 'adaptive' } }, effort: level }
}

function nova(family: ModelFamily, effort: ReasoningEffort): ReasoningFields {
  if (effort === 'none') return {}
  if (!family.model.startsWith('nova-2')) unsupported(effort, "'none'")
  if (effort === 'minimal' || effort === 'xhigh')
    unsupported(effort, "'none', 'low', 'medium', 'high'")
  return {
    additionalModelRequestFields: {
      reasoningConfig: { type: 'enabled', maxReasoningEffort: effort },
    },
  }
}

function gptOss(effort: ReasoningEffort): ReasoningFields {
  if (effort !== 'low' && effort !== 'medium' && effort !== 'high')
    unsupported(effort, "'low', 'medium', 'high'")
  return { additionalModelRequestFields: { reasoning_effort: effort } }
}

/**
 * reasoningFieldsFor maps a reasoning effort for a family. `family` is undefined when the target
 * hides its model (an application-inference-profile ARN without a known base model).
 */
export function reasoningFieldsFor(
  family: ModelFamily | undefined,
  effort: ReasoningEffort,
): ReasoningFields {
  if (family?.provider === 'anthropic' && family.model.startsWith('claude'))
    return claude(family, effort)
  if (family?.provider === 'amazon' && family.model.startsWith('nova')) return nova(family, effort)
  if (family?.provider === 'openai' && family.model.startsWith('gpt-oss')) return gptOss(effort)
  if (effort === 'none') return {}
  throw invalidRequest(
    "Unsupported parameter: 'reasoning_effort' is not supported with this model.",
    'reasoning_effort',
    'unsupported_parameter',
  )
}
