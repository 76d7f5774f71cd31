// Resilience options of a route, shared by the ModelRoute spec and the routing table (the operator
// copies them as they are): sticky backend choice, shadow mirroring and the circuit breaker.
// Every bound is finite so that a typo cannot disable a protection or flood a shadow backend.
// The gateway's defaults live in gateway/src/resilience/route-resilience-defaults.ts.
import { z } from 'zod'

export const routeStickySchema = z
  .strictObject({
    header: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name')
      .describe(
        'Client header (e.g. x-session-id) whose value is hashed to choose the backend, so one conversation stays on one backend while weights hold across conversations. Requests without it are chosen at random.',
      ),
  })
  .describe('Sticky backend choice per conversation.')

export const routeShadowSchema = z
  .strictObject({
    backend: z
      .string()
      .min(1)
      .max(63)
      .describe(
        'The name of the backend (in this route) that receives the copies; in a hand-written table also its position, e.g. "1". Usually a candidate with weight 0, which takes no client traffic.',
      ),
    percent: z
      .int()
      .min(0)
      .max(100)
      .describe('Share of requests copied to the shadow backend (0-100).'),
  })
  .describe(
    'Shadow mirroring: a sample of requests is also sent to a candidate backend in the background. Its outcome and latency go to metrics and logs; the client never waits for it nor sees it.',
  )

export const routeBreakerSchema = z
  .strictObject({
    consecutiveFailures: z
      .int()
      .min(1)
      .max(1000)
      .optional()
      .describe('Failures in a row that open the circuit of a backend (default 5).'),
    failureRatePercent: z
      .int()
      .min(1)
      .max(100)
      .optional()
      .describe(
        'Failure share among the last minimumRequests calls that opens the circuit (default 50).',
      ),
    minimumRequests: z
      .int()
      .min(1)
      .max(10_000)
      .optional()
      .describe('Calls the failure share is measured over (default 20).'),
    coolDownMs: z
      .int()
      .min(100)
      .max(3_600_000)
      .optional()
      .describe(
        'How long an open circuit refuses traffic before one probe is let through (default 30000).',
      ),
  })
  .describe(
    'Circuit breaker per backend: open backends are skipped until the cool-down passes, then one probe decides.',
  )

export type RouteSticky = z.infer<typeof routeStickySchema>
export type RouteShadow = z.infer<typeof routeShadowSchema>
export type RouteBreaker = z.infer<typeof routeBreakerSchema>
