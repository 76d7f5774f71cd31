// The routing table: the one document the operator publishes and the gateway serves from.
// Both sides validate it with this schema, so a table the gateway accepts is one the operator
// could have written. Objects are strict: a misspelt field in a hand-written standalone table
// must fail loudly rather than fall back to a default; new fields come with a new apiVersion.
import { z } from 'zod'
import { GROUP_VERSION } from './common-fields.ts'
import { modelRouteTimeoutsSchema, retryBudgetPercentSchema } from './model-route-limits.ts'
import { routeBreakerSchema, routeShadowSchema, routeStickySchema } from './route-resilience.ts'
import {
  budgetsSchema,
  failClosedSchema,
  projectLimitsSchema,
  requestsPerMinuteSchema,
  tokensPerMinuteSchema,
} from './governance.ts'
import { guardrailSchema } from './guardrail.ts'
import { tableAccessSchema } from './routing-table-access.ts'

export const ROUTING_TABLE_API_VERSION = GROUP_VERSION
export const ROUTING_TABLE_KIND = 'RoutingTable'

const kubernetesName = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a lowercase RFC 1123 name')

const isoTime = z.iso.datetime({ offset: true })

export const backendKindSchema = z
  .enum(['converse', 'mantle'])
  .describe(
    'Which Bedrock API serves the call: Converse (bedrock-runtime) or Mantle (OpenAI-compatible).',
  )

export const clientKeySchema = z
  .strictObject({
    sha256: z
      .string()
      .length(64)
      .regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex characters')
      .describe('SHA-256 of the client API key, lowercase hex. Plain keys are never stored.'),
    notAfter: isoTime
      .optional()
      .describe(
        'When set, the key is refused after this instant: the grace period of a rotated-out key.',
      ),
  })
  .describe('One client key that authenticates as the project.')

export const routeBackendSchema = z
  .strictObject({
    name: z.string().min(1).max(128).optional().describe('A label for logs and metrics.'),
    kind: backendKindSchema,
    modelId: z
      .string()
      .min(1)
      .max(2048)
      .describe(
        'What goes upstream: a model id, an inference profile id, or an inference profile ARN.',
      ),
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be an AWS region such as us-east-1')
      .describe('The AWS region of the Bedrock endpoint.'),
    weight: z
      .number()
      .int()
      .min(0)
      .max(1000)
      .default(1)
      .describe('Relative share of traffic among backends of the same priority; 0 takes none.'),
    priority: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe('Fallback order: 0 is tried first, higher numbers only when lower ones fail.'),
    profileArn: z
      .string()
      .startsWith('arn:')
      .optional()
      .describe('The application inference profile that attributes cost to the project.'),
    family: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .describe('Model family (e.g. anthropic.claude) when the model id is an opaque profile ARN.'),
  })
  .describe('One Bedrock backend that can serve a route.')

export const routeLimitsSchema = z
  .strictObject({
    maxOutputTokens: z
      .number()
      .int()
      .positive()
      .optional()
      .describe(
        'Upper bound on output tokens per request: larger requests are capped, and requests without a limit get this one.',
      ),
    maxReasoningPercent: z
      .number()
      .int()
      .min(0)
      .max(100)
      .optional()
      .describe(
        'Share of the output-token budget hidden reasoning may use; the gateway default is 50.',
      ),
    timeoutMs: z
      .number()
      .int()
      .positive()
      .optional()
      .describe(
        'Deprecated, kept for hand-written tables: the same as timeouts.firstTokenMs, which wins when both are set.',
      ),
    timeouts: modelRouteTimeoutsSchema.optional(),
    retryBudgetPercent: retryBudgetPercentSchema.optional(),
    requestsPerMinute: requestsPerMinuteSchema.optional(),
    tokensPerMinute: tokensPerMinuteSchema.optional(),
    failClosed: failClosedSchema.optional(),
  })
  .describe('Per-route limits.')

export const routeDefaultsSchema = z
  .strictObject({
    reasoningEffort: z
      .enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh'])
      .optional()
      .describe('Reasoning effort applied when the client sends none.'),
    temperature: z
      .number()
      .min(0)
      .max(2)
      .optional()
      .describe('Temperature applied when the client sends none.'),
  })
  .describe('Request defaults applied when the client leaves a parameter out.')

export const routeSchema = z
  .strictObject({
    name: kubernetesName.describe('Name of the ModelRoute this entry comes from.'),
    namespace: kubernetesName.describe('Namespace of the ModelRoute.'),
    model: z
      .string()
      .min(1)
      .max(256)
      .describe('The alias clients send as `model`, e.g. gpt-4o or support-chat.'),
    backends: z.array(routeBackendSchema).min(1).describe('Backends that can serve the alias.'),
    limits: routeLimitsSchema.optional(),
    defaults: routeDefaultsSchema.optional(),
    strict: z
      .boolean()
      .optional()
      .describe('Refuse with 400 any parameter the backend would drop, instead of announcing it.'),
    sticky: routeStickySchema.optional(),
    shadow: routeShadowSchema.optional(),
    breaker: routeBreakerSchema.optional(),
    guardrail: guardrailSchema.optional(),
  })
  .describe('A client-facing model alias bound to Bedrock backends.')

export const projectSchema = z
  .strictObject({
    name: kubernetesName.describe('Name of the BedrockProject.'),
    namespace: kubernetesName.describe('Namespace of the BedrockProject.'),
    projectId: z
      .string()
      .max(128)
      .regex(/^(default|proj_[a-zA-Z0-9]+)$/, 'must be default or proj_…')
      .describe('The Bedrock project id, e.g. proj_5d5ykleja6cwpirysbb7.'),
    projectArn: z.string().startsWith('arn:').optional().describe('The Bedrock project ARN.'),
    tags: z
      .record(z.string(), z.string())
      .optional()
      .describe('Cost-attribution tags of the project.'),
    keys: z.array(clientKeySchema).describe('Client keys that authenticate as this project.'),
    routes: z.array(routeSchema).describe('Model aliases the project may call.'),
    limits: projectLimitsSchema.optional(),
    budgets: budgetsSchema.optional(),
    access: tableAccessSchema.optional(),
    guardrail: guardrailSchema.optional(),
  })
  .describe('A Bedrock project with its client keys and routes.')

export const routingTableSchema = z
  .strictObject({
    apiVersion: z.literal(ROUTING_TABLE_API_VERSION),
    kind: z.literal(ROUTING_TABLE_KIND),
    version: z
      .union([z.number().int().nonnegative(), z.string().min(1).max(128)])
      .describe(
        'Monotonic version set by the operator; ModelRoute status reports the one serving it.',
      ),
    generatedAt: isoTime.describe('When the operator generated this table.'),
    projects: z.array(projectSchema).describe('Every project the gateway serves.'),
  })
  .superRefine(checkUniqueness)
  .describe('The routing table the operator publishes and the gateway serves from.')

export type BackendKind = z.infer<typeof backendKindSchema>
export type ClientKey = z.infer<typeof clientKeySchema>
export type RouteBackend = z.infer<typeof routeBackendSchema>
export type Route = z.infer<typeof routeSchema>
export type Project = z.infer<typeof projectSchema>
export type RoutingTable = z.infer<typeof routingTableSchema>
/** What a writer may leave out (defaults such as `weight` and `priority`). */
export type RoutingTableInput = z.input<typeof routingTableSchema>

interface UniquenessInput {
  projects: { projectId: string; keys: { sha256: string }[]; routes: { model: string }[] }[]
}

// A key must name exactly one project and an alias one route per project, or lookups would be
// ambiguous. The operator resolves alias conflicts before publishing; this catches the rest.
function checkUniqueness(table: UniquenessInput, context: z.RefinementCtx): void {
  const projectIds = new Set<string>()
  const keys = new Set<string>()
  table.projects.forEach((project, projectIndex) => {
    if (projectIds.has(project.projectId)) {
      context.addIssue({
        code: 'custom',
        message: `duplicate projectId ${project.projectId}`,
        path: ['projects', projectIndex, 'projectId'],
      })
    }
    projectIds.add(project.projectId)
    project.keys.forEach((key, keyIndex) => {
      if (keys.has(key.sha256)) {
        context.addIssue({
          code: 'custom',
          message: 'a key hash appears more than once',
          path: ['projects', projectIndex, 'keys', keyIndex, 'sha256'],
        })
      }
      keys.add(key.sha256)
    })
    const aliases = new Set<string>()
    project.routes.forEach((route, routeIndex) => {
      if (aliases.has(route.model)) {
        context.addIssue({
          code: 'custom',
          message: `duplicate model alias ${route.model} in project ${project.projectId}`,
          path: ['projects', projectIndex, 'routes', routeIndex, 'model'],
        })
      }
      aliases.add(route.model)
    })
  })
}

/** Parses an unknown value (e.g. JSON from a file or ConfigMap) into a routing table. */
export function parseRoutingTable(value: unknown): z.ZodSafeParseResult<RoutingTable> {
  return routingTableSchema.safeParse(value)
}
