// ModelRoute limits. Every bound is finite: an unbounded timeout or rate is how one route starves
// the gateway, and finite bounds keep the CEL cost estimate small.
import { z } from 'zod'
import { failClosedSchema } from './governance.ts'
import { kubernetes } from './kubernetes-extensions.ts'

const MAX_CONNECT_MS = 60_000
const MAX_STREAM_MS = 600_000
const MAX_TOTAL_MS = 3_600_000

function milliseconds(max: number, what: string): z.ZodOptional<z.ZodInt> {
  return z
    .int()
    .min(1)
    .max(max)
    .optional()
    .describe(`${what} (1-${max} ms). Unset means the gateway default.`)
}

/** One definition for the CRD and the routing table, so their bounds cannot drift apart. */
export const retryBudgetPercentSchema = z
  .int()
  .min(0)
  .max(100)
  .describe(
    'Extra upstream attempts (retries and fallbacks) allowed, as a percentage of requests over a sliding window (0-100, default 20). 0 disables them; bounded so retries cannot amplify an outage.',
  )

export const modelRouteTimeoutsSchema = kubernetes(
  z.strictObject({
    connectMs: milliseconds(MAX_CONNECT_MS, 'How long to wait for a connection to Bedrock'),
    firstTokenMs: milliseconds(
      MAX_STREAM_MS,
      'How long to wait for the first token (or the whole answer when not streaming)',
    ),
    idleMs: milliseconds(MAX_STREAM_MS, 'How long a stream may stay silent between two events'),
    totalMs: milliseconds(
      MAX_TOTAL_MS,
      'How long one request may take end to end, retries included',
    ),
  }),
  {
    validations: [
      {
        rule: '!has(self.firstTokenMs) || !has(self.totalMs) || self.firstTokenMs <= self.totalMs',
        message: 'firstTokenMs must not exceed totalMs',
        fieldPath: '.firstTokenMs',
      },
      {
        rule: '!has(self.connectMs) || !has(self.totalMs) || self.connectMs <= self.totalMs',
        message: 'connectMs must not exceed totalMs',
        fieldPath: '.connectMs',
      },
    ],
  },
)
  .superRefine((timeouts, context) => {
    const { connectMs, firstTokenMs, totalMs } = timeouts
    if (totalMs === undefined) return
    if (firstTokenMs !== undefined && firstTokenMs > totalMs)
      context.addIssue({
        code: 'custom',
        message: 'firstTokenMs must not exceed totalMs',
        path: ['firstTokenMs'],
      })
    if (connectMs !== undefined && connectMs > totalMs)
      context.addIssue({
        code: 'custom',
        message: 'connectMs must not exceed totalMs',
        path: ['connectMs'],
      })
  })
  .describe('Deadlines for calls to Bedrock, in milliseconds.')

export const modelRouteLimitsSchema = z
  .strictObject({
    maxOutputTokens: z
      .int()
      .min(1)
      .max(1_000_000)
      .optional()
      .describe(
        'Cap on output tokens per request. A request asking for more is capped to this; one asking for none gets this.',
      ),
    maxReasoningPercent: z
      .int()
      .min(0)
      .max(100)
      .optional()
      .describe(
        'Share of the output-token budget that hidden reasoning may use (0-100, default 50). The gateway lowers the reasoning effort, or sizes the thinking budget, so visible output keeps the rest; 100 lets reasoning use it all.',
      ),
    timeouts: modelRouteTimeoutsSchema.optional(),
    retryBudgetPercent: retryBudgetPercentSchema.optional(),
    tokensPerMinute: z
      .int()
      .min(1)
      .max(1_000_000_000)
      .optional()
      .describe(
        'Input plus output tokens allowed per minute across all gateway replicas; excess requests get 429.',
      ),
    requestsPerMinute: z
      .int()
      .min(1)
      .max(1_000_000)
      .optional()
      .describe(
        'Requests allowed per minute across all gateway replicas; excess requests get 429.',
      ),
    failClosed: failClosedSchema.optional(),
  })
  .describe('Limits that protect the project budget and the Bedrock quotas.')

export type ModelRouteTimeouts = z.infer<typeof modelRouteTimeoutsSchema>
export type ModelRouteLimits = z.infer<typeof modelRouteLimitsSchema>
