// Token governance shared by BedrockProject, ModelRoute and the routing table: rate limits per
// minute and spending budgets per day or month. Bounds are finite so that one project cannot ask
// for an unbounded counter, and so that CEL cost estimates stay small.
import { z } from 'zod'
import { uniqueBy } from './common-fields.ts'
import { kubernetes } from './kubernetes-extensions.ts'

export const MAX_REQUESTS_PER_MINUTE = 1_000_000
export const MAX_TOKENS_PER_MINUTE = 1_000_000_000
const MAX_BUDGET_TOKENS = 1_000_000_000_000
const MAX_BUDGET_USD = 100_000_000

export const requestsPerMinuteSchema = z
  .int()
  .min(1)
  .max(MAX_REQUESTS_PER_MINUTE)
  .describe('Requests allowed per minute across all gateway replicas; excess requests get 429.')

export const tokensPerMinuteSchema = z
  .int()
  .min(1)
  .max(MAX_TOKENS_PER_MINUTE)
  .describe(
    'Input plus output tokens allowed per minute across all gateway replicas; excess requests get 429.',
  )

export const failClosedSchema = z
  .boolean()
  .describe(
    'When the shared limit store (Redis) is unreachable, refuse requests with 503 instead of enforcing per-replica shares. Default false.',
  )

export const projectLimitsSchema = z
  .strictObject({
    requestsPerMinute: requestsPerMinuteSchema.optional(),
    tokensPerMinute: tokensPerMinuteSchema.optional(),
    failClosed: failClosedSchema.optional(),
  })
  .describe('Rate limits of the whole project, summed over all its routes and gateway replicas.')

export const budgetPeriodSchema = z
  .enum(['day', 'month'])
  .describe('The calendar period, in UTC, after which the budget starts again from zero.')

export const budgetSchema = kubernetes(
  z.strictObject({
    period: budgetPeriodSchema,
    tokens: z
      .int()
      .min(1)
      .max(MAX_BUDGET_TOKENS)
      .optional()
      .describe('Input plus output tokens allowed in the period.'),
    usd: z
      .number()
      .positive()
      .max(MAX_BUDGET_USD)
      .optional()
      .describe('Spend allowed in the period, in US dollars, at the gateway price table.'),
  }),
  {
    validations: [
      { rule: 'has(self.tokens) || has(self.usd)', message: 'a budget needs tokens or usd' },
    ],
  },
)
  .refine((budget) => budget.tokens !== undefined || budget.usd !== undefined, {
    message: 'a budget needs tokens or usd',
  })
  .describe('What the project may consume in one period; past it, requests get 429.')

export const budgetsSchema = kubernetes(z.array(budgetSchema).max(2), {
  listType: 'map',
  listMapKeys: ['period'],
})
  .superRefine(uniqueBy((budget) => budget.period, 'budget period'))
  .describe('Budgets of the project, at most one per period.')

export type ProjectLimits = z.infer<typeof projectLimitsSchema>
export type BudgetPeriod = z.infer<typeof budgetPeriodSchema>
export type Budget = z.infer<typeof budgetSchema>
