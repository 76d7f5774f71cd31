// Progressive delivery of a model (docs/rollouts.md): spec.rollout moves a route's traffic from a
// stable backend to a candidate one step at a time, gated on the gateway's own metrics in
// Prometheus; status.rollout records where it stands and why. The operator writes the weights into
// the routing table, never into the spec, so the spec keeps saying what the user wrote.
import { z } from 'zod'
import { kubernetes } from './kubernetes-extensions.ts'

export const MAX_ROLLOUT_STEPS = 10

/** The annotation that pauses, resumes, promotes or aborts a rollout by hand. */
export const ROLLOUT_CONTROL_ANNOTATION = 'strata.dev/rollout'
export const rolloutControls = ['pause', 'resume', 'promote', 'abort'] as const
export type RolloutControl = (typeof rolloutControls)[number]

export const ROLLOUT_PHASES = [
  'Blocked',
  'Progressing',
  'Holding',
  'Paused',
  'Promoted',
  'RolledBack',
] as const
export type RolloutPhase = (typeof ROLLOUT_PHASES)[number]

export const GATE_NAMES = [
  'errorRate',
  'timeToFirstToken',
  'duration',
  'costPerRequest',
  'malformedOutput',
  'contextOverflow',
] as const
export type GateName = (typeof GATE_NAMES)[number]

const backendName = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a lowercase RFC 1123 label')

export const rolloutStepSchema = z
  .strictObject({
    weight: z
      .int()
      .min(0)
      .max(99)
      .default(0)
      .describe(
        'Percent of the traffic between stable and candidate that goes to the candidate during this step (0-99). Reaching 100 % is the promotion after the last step.',
      ),
    shadowPercent: z
      .int()
      .min(1)
      .max(100)
      .optional()
      .describe(
        'When set, this share of requests is also copied to the candidate in the background (a shadow step); the client never sees the copy.',
      ),
    durationSeconds: z
      .int()
      .min(1)
      .max(86_400)
      .describe('How long the step lasts with every gate passing before the next step begins.'),
  })
  .describe('One step of the rollout.')

const ratioGate = (what: string) =>
  z
    .strictObject({
      maxRatio: z
        .number()
        .min(1)
        .max(100)
        .describe(
          `The highest allowed candidate ${what} divided by the stable ${what}, e.g. 1.5 for at most 50 % worse.`,
        ),
    })
    .describe(`Compares the candidate's ${what} with the stable backend's.`)

const increaseGate = (what: string) =>
  z
    .strictObject({
      maxIncreasePercent: z
        .number()
        .min(0)
        .max(100)
        .describe(
          `The highest allowed candidate ${what} minus the stable ${what}, in percentage points of requests.`,
        ),
    })
    .describe(`Compares the share of requests with ${what} on the candidate and on the stable.`)

export const rolloutGatesSchema = kubernetes(
  z.strictObject({
    errorRate: increaseGate('error rate').optional(),
    timeToFirstToken: ratioGate('p95 time to first token').optional(),
    duration: ratioGate('p95 request duration').optional(),
    costPerRequest: ratioGate('cost per request').optional(),
    malformedOutput: increaseGate(
      'malformed output (malformed_tool_use, malformed_model_output)',
    ).optional(),
    contextOverflow: increaseGate('context-window overflows').optional(),
  }),
  {
    validations: [
      {
        rule: GATE_NAMES.map((name) => `has(self.${name})`).join(' || '),
        message: 'declare at least one gate',
      },
    ],
  },
)
  .refine((gates) => Object.values(gates).some((gate) => gate !== undefined), {
    message: 'declare at least one gate',
  })
  .describe(
    'What the candidate must do as well as the stable backend, measured by Prometheus over the analysis window. A gate with too few requests on either side neither passes nor fails: the step waits.',
  )

export const modelRouteRolloutSchema = kubernetes(
  z.strictObject({
    stable: backendName.describe(
      'Name of the backend that serves today; it keeps the rest of the traffic.',
    ),
    candidate: backendName.describe(
      'Name of the backend being introduced. Its own weight in spec.backends is ignored while the rollout is declared.',
    ),
    steps: z
      .array(rolloutStepSchema)
      .min(1)
      .max(MAX_ROLLOUT_STEPS)
      .describe(
        `The steps in order (1-${String(MAX_ROLLOUT_STEPS)}), e.g. a shadow step, then 5, 25 and 50 %. After the last one passes, the candidate takes 100 % (Promoted).`,
      ),
    intervalSeconds: z
      .int()
      .min(1)
      .max(3600)
      .default(60)
      .describe('How often the gates are evaluated (default 60).'),
    windowSeconds: z
      .int()
      .min(5)
      .max(86_400)
      .optional()
      .describe(
        'The range of each PromQL rate, e.g. 300 for [300s]. Defaults to twice intervalSeconds, at least 30.',
      ),
    minimumRequests: z
      .int()
      .min(1)
      .max(1_000_000)
      .default(20)
      .describe(
        'Requests each side needs in the window before a gate can decide (default 20); until then the step waits.',
      ),
    gates: rolloutGatesSchema,
    onFailure: z
      .enum(['Rollback', 'Pause'])
      .default('Rollback')
      .describe(
        'What a failed gate does: Rollback sends all traffic back to stable and ends the rollout; Pause holds the current weight until the gates pass again, then restarts the step.',
      ),
  }),
  {
    validations: [
      { rule: 'self.stable != self.candidate', message: 'stable and candidate must differ' },
    ],
  },
)
  .refine((rollout) => rollout.stable !== rollout.candidate, {
    message: 'stable and candidate must differ',
  })
  .describe(
    'Progressive delivery: moves traffic from the stable backend to the candidate step by step, promoting it or rolling back on its own from Prometheus measurements (docs/rollouts.md). Manual controls: the annotation strata.dev/rollout set to pause, resume, promote or abort. Any edit of this field restarts the rollout from its first step.',
  )

export const gateResultSchema = z
  .strictObject({
    gate: z.enum(GATE_NAMES).describe('Which gate.'),
    verdict: z
      .enum(['Pass', 'Fail', 'NoData'])
      .describe('Pass, Fail, or NoData when either side had too few requests.'),
    candidate: z.number().optional().describe('The candidate value.'),
    stable: z.number().optional().describe('The stable value.'),
    limit: z.number().describe('The maxRatio or maxIncreasePercent the values were held to.'),
  })
  .describe('One gate as last evaluated.')

export const rolloutStatusSchema = z
  .strictObject({
    phase: z
      .enum(ROLLOUT_PHASES)
      .describe(
        'Blocked (cannot start: see the Rollout condition), Progressing, Holding (a gate failed under onFailure Pause), Paused (by the annotation), Promoted or RolledBack.',
      ),
    stable: backendName.describe('The stable backend this status describes.'),
    candidate: backendName.describe('The candidate backend this status describes.'),
    specHash: z
      .string()
      .max(64)
      .describe('Hash of the spec.rollout this status follows; a different one restarts it.'),
    step: z.int().min(0).max(MAX_ROLLOUT_STEPS).describe('Index of the current step (0-based).'),
    steps: z.int().min(1).max(MAX_ROLLOUT_STEPS).describe('How many steps the rollout has.'),
    weight: z
      .int()
      .min(0)
      .max(100)
      .describe('Percent of the traffic the candidate takes now, as written in the routing table.'),
    shadowPercent: z
      .int()
      .min(0)
      .max(100)
      .optional()
      .describe('Share of requests copied to the candidate now, when the step is a shadow step.'),
    stepStartedAt: kubernetes(z.iso.datetime({ offset: true }), { format: 'date-time' }).describe(
      'When the current step began (or restarted after a hold).',
    ),
    lastEvaluatedAt: kubernetes(z.iso.datetime({ offset: true }), { format: 'date-time' })
      .optional()
      .describe('When the gates were last evaluated.'),
    reason: z.string().max(128).describe('CamelCase reason of the last decision.'),
    message: z
      .string()
      .max(4096)
      .describe('The last decision, in words, with the values behind it.'),
    gates: z
      .array(gateResultSchema)
      .max(GATE_NAMES.length)
      .optional()
      .describe('Each gate as last evaluated.'),
  })
  .describe('Where the rollout stands, written by the operator.')

export type RolloutStep = z.infer<typeof rolloutStepSchema>
export type RolloutGates = z.infer<typeof rolloutGatesSchema>
export type ModelRouteRollout = z.infer<typeof modelRouteRolloutSchema>
export type GateResult = z.infer<typeof gateResultSchema>
export type RolloutStatus = z.infer<typeof rolloutStatusSchema>
