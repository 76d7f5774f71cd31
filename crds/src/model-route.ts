// ModelRoute: binds the model name that clients send to Bedrock backends for one BedrockProject.
// The zod refinements repeat the CEL rules so that callers outside the apiserver (the operator's
// own tests, standalone tooling) get the same verdict and the same message.
import { z } from 'zod'
import {
  GROUP_VERSION,
  awsRegionSchema,
  objectMetaSchema,
  objectNameSchema,
  observedGenerationSchema,
  routingTableVersionSchema,
} from './common-fields.ts'
import { conditionsSchema } from './conditions.ts'
import { kubernetes } from './kubernetes-extensions.ts'
import { modelRouteLimitsSchema } from './model-route-limits.ts'
import { guardrailSchema } from './guardrail.ts'
import { backendKindSchema } from './routing-table.ts'
import { routeBreakerSchema, routeShadowSchema, routeStickySchema } from './route-resilience.ts'
import { modelRouteRolloutSchema, rolloutStatusSchema } from './model-route-rollout.ts'

export const MODEL_ROUTE_KIND = 'ModelRoute'
/** The resource name in API paths and RBAC rules. */
export const MODEL_ROUTE_PLURAL = 'modelroutes'

/** Condition types the operator writes on a ModelRoute. */
export const MODEL_ROUTE_CONDITION_TYPES = ['Accepted', 'ResolvedRefs', 'Ready'] as const
/** The condition the rollout controller owns (a field manager of its own, docs/rollouts.md). */
export const ROLLOUT_CONDITION_TYPE = 'Rollout'

export const MAX_BACKENDS = 16

const NO_LIVE_BACKEND = 'at least one backend needs a weight above 0'
const DUPLICATE_BACKEND_NAME = 'backend names must be unique'
const UNKNOWN_SHADOW_BACKEND =
  'shadow.backend must be the name of a backend of this route, or the position (0, 1, ...) of one'

// The gateway looks a shadow backend up by name first, then by position (shadowCandidate), so a
// name that matches neither would silently copy nothing. Positions are one or two digits: a route
// has at most 16 backends, and CEL's int() must not overflow.
const shadowTargetRule =
  "!has(self.shadow) || self.backends.exists(b, has(b.name) && b.name == self.shadow.backend) || (self.shadow.backend.matches('^[0-9]{1,2}$') && int(self.shadow.backend) < size(self.backends))"

const UNKNOWN_ROLLOUT_BACKEND =
  'rollout.stable and rollout.candidate must name backends of this route'
const rolloutBackendsRule =
  '!has(self.rollout) || (self.backends.exists(b, has(b.name) && b.name == self.rollout.stable) && self.backends.exists(b, has(b.name) && b.name == self.rollout.candidate))'

function rolloutNamesBackends(spec: {
  backends: { name?: string | undefined }[]
  rollout?: { stable: string; candidate: string } | undefined
}): boolean {
  const rollout = spec.rollout
  if (rollout === undefined) return true
  const names = new Set(spec.backends.map((backend) => backend.name))
  return names.has(rollout.stable) && names.has(rollout.candidate)
}

function namesABackend(spec: {
  backends: { name?: string | undefined }[]
  shadow?: { backend: string } | undefined
}): boolean {
  const wanted = spec.shadow?.backend
  if (wanted === undefined) return true
  if (spec.backends.some((backend) => backend.name === wanted)) return true
  return /^[0-9]{1,2}$/.test(wanted) && Number(wanted) < spec.backends.length
}

export const modelRouteBackendSchema = z
  .strictObject({
    name: z
      .string()
      .min(1)
      .max(63)
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a lowercase RFC 1123 label')
      .optional()
      .describe(
        'A label for logs, metrics and status, unique within the route. When unset, the position in the list stands in.',
      ),
    kind: backendKindSchema.describe(
      'Which Bedrock API serves the call: converse translates to the Converse API (bedrock-runtime); mantle passes the OpenAI request through to bedrock-mantle.',
    ),
    modelId: z
      .string()
      .min(1)
      .max(2048)
      .regex(/^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$/, 'must be a Bedrock model id or ARN')
      .describe(
        'The Bedrock model to call, e.g. us.anthropic.claude-sonnet-4-6 or openai.gpt-oss-120b. For converse backends the operator swaps it for the project inference profile, so cost is attributed.',
      ),
    region: awsRegionSchema
      .optional()
      .describe('AWS region of the backend. Defaults to the region of the BedrockProject.'),
    weight: z
      .int()
      .min(0)
      .max(1000)
      .default(1)
      .describe(
        'Relative share of traffic among backends of the same priority (0-1000, default 1). 0 is the kill switch: the backend takes no traffic, not even as a fallback, but may still be a shadow target.',
      ),
    priority: z
      .int()
      .min(0)
      .max(16)
      .default(0)
      .describe(
        'Fallback order (0-16, default 0): backends of priority 0 are tried first, higher numbers only when every lower one fails or is unhealthy.',
      ),
    family: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be lowercase, like anthropic.claude')
      .optional()
      .describe(
        'Model family, e.g. anthropic.claude, for when modelId is an opaque ARN and the gateway cannot tell which request features the model supports.',
      ),
  })
  .describe('One Bedrock model that can serve the route.')

export const modelRouteBackendsSchema = kubernetes(
  z.array(modelRouteBackendSchema).min(1).max(MAX_BACKENDS),
  {
    validations: [
      { rule: 'self.exists(b, !has(b.weight) || b.weight > 0)', message: NO_LIVE_BACKEND },
      {
        rule: 'self.all(b, !has(b.name) || self.exists_one(o, has(o.name) && o.name == b.name))',
        // No FieldValueDuplicate reason: the apiserver would print "Duplicate value" without the message.
        message: DUPLICATE_BACKEND_NAME,
      },
    ],
  },
)
  .superRefine((backends, context) => {
    if (backends.length > 0 && !backends.some((backend) => backend.weight > 0))
      context.addIssue({ code: 'custom', message: NO_LIVE_BACKEND })
    const seen = new Set<string>()
    backends.forEach((backend, index) => {
      if (backend.name === undefined) return
      if (seen.has(backend.name))
        context.addIssue({ code: 'custom', message: DUPLICATE_BACKEND_NAME, path: [index, 'name'] })
      seen.add(backend.name)
    })
  })
  .describe(
    `Bedrock models that serve the alias (1-${MAX_BACKENDS}). The gateway picks among the healthy backends of the lowest priority by weight, and falls back to the next priority on failure.`,
  )

export const modelRouteDefaultsSchema = z
  .strictObject({
    reasoningEffort: z
      .enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh'])
      .optional()
      .describe('Reasoning effort applied when the request sets none.'),
    temperature: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe('Sampling temperature (0-1) applied when the request sets none.'),
  })
  .describe('Request parameters applied when the client leaves them out.')

export const modelRouteSpecSchema = kubernetes(
  z.strictObject({
    projectRef: z
      .strictObject({
        name: objectNameSchema.describe('Name of the BedrockProject.'),
      })
      .describe('The BedrockProject, in the same namespace, whose clients may call this model.'),
    model: z
      .string()
      .min(1)
      .max(128)
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$/,
        'must start with a letter or digit and hold only letters, digits and . _ : / @ + -',
      )
      .describe(
        'The model name clients send, e.g. gpt-4o or support-chat. Unique per project: when two routes claim it, the older one wins and the newer one is not Accepted.',
      ),
    backends: modelRouteBackendsSchema,
    limits: modelRouteLimitsSchema.optional(),
    defaults: modelRouteDefaultsSchema.optional(),
    sticky: routeStickySchema.optional(),
    shadow: routeShadowSchema.optional(),
    breaker: routeBreakerSchema.optional(),
    guardrail: guardrailSchema.optional(),
    rollout: modelRouteRolloutSchema.optional(),
    strict: z
      .boolean()
      .default(false)
      .describe(
        'When true, a request parameter the backend cannot honour is refused with 400; when false (the default) it is dropped and named in a response header.',
      ),
  }),
  {
    validations: [
      { rule: shadowTargetRule, message: UNKNOWN_SHADOW_BACKEND, fieldPath: '.shadow.backend' },
      { rule: rolloutBackendsRule, message: UNKNOWN_ROLLOUT_BACKEND, fieldPath: '.rollout' },
    ],
  },
)
  .superRefine((spec, context) => {
    if (!namesABackend(spec))
      context.addIssue({
        code: 'custom',
        message: UNKNOWN_SHADOW_BACKEND,
        path: ['shadow', 'backend'],
      })
    if (!rolloutNamesBackends(spec))
      context.addIssue({ code: 'custom', message: UNKNOWN_ROLLOUT_BACKEND, path: ['rollout'] })
  })
  .describe('The desired binding of a model name to Bedrock backends.')

export const modelRouteStatusSchema = z
  .strictObject({
    observedGeneration: observedGenerationSchema.optional(),
    conditions: conditionsSchema.optional(),
    routingTableVersion: routingTableVersionSchema
      .optional()
      .describe(
        "The first routing table version that served this route as it is now. It moves only when the route's own entry changes (its spec, or an inference profile it uses), never because another route changed. Absent while the route is not served.",
      ),
    backends: z
      .string()
      .max(4096)
      .optional()
      .describe(
        'The model ids of the backends, comma-separated, for the Backends printer column: a column shows only the first match of a JSONPath, so spec.backends[*].modelId would name one backend.',
      ),
    rollout: rolloutStatusSchema.optional(),
  })
  .describe('The observed state of the route, written by the operator.')

export const modelRouteSchema = z.object({
  apiVersion: z.literal(GROUP_VERSION),
  kind: z.literal(MODEL_ROUTE_KIND),
  metadata: objectMetaSchema,
  spec: modelRouteSpecSchema,
  status: modelRouteStatusSchema.optional(),
})

export type ModelRouteBackend = z.infer<typeof modelRouteBackendSchema>
export type ModelRouteDefaults = z.infer<typeof modelRouteDefaultsSchema>
export type ModelRouteSpec = z.infer<typeof modelRouteSpecSchema>
export type ModelRouteSpecInput = z.input<typeof modelRouteSpecSchema>
export type ModelRouteStatus = z.infer<typeof modelRouteStatusSchema>
export type ModelRoute = z.infer<typeof modelRouteSchema>
