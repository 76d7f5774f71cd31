// BedrockProject: one Amazon Bedrock project (AWS::BedrockMantle::Project) and its cost
// attribution. The name rules are those of that CloudFormation type:
// https://docs.aws.amazon.com/bedrock/latest/userguide/projects.html
import { z } from 'zod'
import {
  GROUP_VERSION,
  awsRegionSchema,
  namespaceNameSchema,
  objectMetaSchema,
  objectNameSchema,
  observedGenerationSchema,
  routingTableVersionSchema,
  uniqueBy,
} from './common-fields.ts'
import { conditionsSchema } from './conditions.ts'
import { clientKeySchema } from './routing-table.ts'
import { immutable, kubernetes } from './kubernetes-extensions.ts'
import { tagsSchema } from './bedrock-project-tags.ts'
import { budgetsSchema, projectLimitsSchema } from './governance.ts'
import { guardrailSchema } from './guardrail.ts'

export const BEDROCK_PROJECT_KIND = 'BedrockProject'
/** The resource name in API paths and RBAC rules. */
export const BEDROCK_PROJECT_PLURAL = 'bedrockprojects'

/** Condition types the operator writes on a BedrockProject. */
export const BEDROCK_PROJECT_CONDITION_TYPES = [
  'Ready',
  'ProjectSynced',
  'CredentialsReady',
] as const

const MAX_ACCESS_ENTRIES = 64

export const serviceAccountReferenceSchema = z
  .strictObject({
    namespace: namespaceNameSchema.describe('Namespace of the ServiceAccount.'),
    name: objectNameSchema.describe('Name of the ServiceAccount.'),
  })
  .describe('A ServiceAccount, in any namespace, that may use the project.')

export const accessSchema = z
  .strictObject({
    serviceAccounts: kubernetes(z.array(serviceAccountReferenceSchema).max(MAX_ACCESS_ENTRIES), {
      listType: 'map',
      listMapKeys: ['namespace', 'name'],
    })
      .superRefine(uniqueBy((account) => `${account.namespace}/${account.name}`, 'ServiceAccount'))
      .optional()
      .describe(`ServiceAccounts that may use the project (at most ${MAX_ACCESS_ENTRIES}).`),
    namespaces: kubernetes(z.array(namespaceNameSchema).max(MAX_ACCESS_ENTRIES), {
      listType: 'set',
    })
      .superRefine(uniqueBy((namespace) => namespace, 'namespace'))
      .optional()
      .describe(
        `Namespaces whose every workload may use the project (at most ${MAX_ACCESS_ENTRIES}).`,
      ),
  })
  .describe(
    "Who may use the project besides workloads in the BedrockProject's own namespace, which always may.",
  )

export const deletionPolicySchema = z
  .enum(['Archive', 'Retain'])
  .describe(
    'What happens to the Bedrock project and its inference profiles when this object is deleted: Archive archives the project and deletes the profiles (the default), Retain leaves both for someone else to adopt.',
  )

export const missingProjectPolicySchema = z
  .enum(['Recreate', 'Report'])
  .describe(
    'What the operator does when the Bedrock project recorded in status no longer exists (removed outside Strata): Recreate (the default) adopts an active project of the same name or creates a new one, with the declared tags, and republishes the routes with its id; Report leaves it missing and reports Ready=False with reason ProjectMissing. Either way the routes of a missing project leave the routing table until a project serves them again, so the gateway never calls Bedrock with a stale id.',
  )

export const bedrockProjectSpecSchema = z
  .strictObject({
    name: kubernetes(
      z
        .string()
        .min(1)
        .max(64)
        .regex(
          /^([0-9a-zA-Z][ _-]?)+$/,
          'must be 1-64 letters or digits, each optionally followed by one space, "_" or "-"',
        ),
      { validations: [immutable('name is immutable: create a new BedrockProject instead')] },
    ).describe(
      'Name of the Bedrock project, unique in the AWS account: 1-64 letters or digits, each optionally followed by one space, "_" or "-". Immutable. An active project of this name is adopted rather than duplicated.',
    ),
    tags: tagsSchema,
    region: kubernetes(awsRegionSchema, {
      validations: [immutable('region is immutable: a Bedrock project lives in one region')],
    }).describe(
      'AWS region of the Bedrock project, e.g. us-east-1. Immutable. ModelRoute backends default to it.',
    ),
    deletionPolicy: deletionPolicySchema.default('Archive'),
    missingProjectPolicy: missingProjectPolicySchema.default('Recreate'),
    access: accessSchema.optional(),
    limits: projectLimitsSchema.optional(),
    budgets: budgetsSchema.optional(),
    guardrail: guardrailSchema.optional(),
  })
  .describe('The desired Bedrock project.')

export const inferenceProfileSchema = z
  .strictObject({
    modelId: z.string().min(1).max(2048).describe('The Bedrock model id the profile wraps.'),
    arn: z
      .string()
      .min(1)
      .max(2048)
      .describe(
        'ARN of the application inference profile that attributes its cost to the project.',
      ),
  })
  .describe('An application inference profile the operator created for one model.')

export const bedrockProjectStatusSchema = z
  .strictObject({
    projectId: z
      .string()
      .max(128)
      .optional()
      .describe('The Bedrock project id, e.g. proj_5d5ykleja6cwpirysbb7.'),
    projectArn: z.string().max(2048).optional().describe('The Bedrock project ARN.'),
    inferenceProfiles: kubernetes(z.array(inferenceProfileSchema).max(256), {
      listType: 'map',
      listMapKeys: ['modelId'],
    })
      .superRefine(uniqueBy((profile) => profile.modelId, 'modelId'))
      .optional()
      .describe('Application inference profiles of the project, one per model.'),
    credentialsSecret: objectNameSchema
      .optional()
      .describe(
        'Name of the Secret, in this namespace, that holds OPENAI_BASE_URL and OPENAI_API_KEY for the project.',
      ),
    clientKeys: kubernetes(z.array(clientKeySchema).max(4), {
      listType: 'map',
      listMapKeys: ['sha256'],
    })
      .optional()
      .describe(
        'SHA-256 hashes of the client keys that authenticate as this project: the current key, and a rotated-out key until its notAfter. Hashes of 256-bit random keys reveal nothing; the keys themselves stay in the credentials Secret.',
      ),
    observedGeneration: observedGenerationSchema.optional(),
    conditions: conditionsSchema.optional(),
    routingTableVersion: routingTableVersionSchema.optional(),
  })
  .describe('The observed state of the Bedrock project, written by the operator.')

export const bedrockProjectSchema = z.object({
  apiVersion: z.literal(GROUP_VERSION),
  kind: z.literal(BEDROCK_PROJECT_KIND),
  metadata: objectMetaSchema,
  spec: bedrockProjectSpecSchema,
  status: bedrockProjectStatusSchema.optional(),
})

export type BedrockProjectSpec = z.infer<typeof bedrockProjectSpecSchema>
export type BedrockProjectSpecInput = z.input<typeof bedrockProjectSpecSchema>
export type BedrockProjectStatus = z.infer<typeof bedrockProjectStatusSchema>
export type BedrockProject = z.infer<typeof bedrockProjectSchema>
export type DeletionPolicy = z.infer<typeof deletionPolicySchema>
export type MissingProjectPolicy = z.infer<typeof missingProjectPolicySchema>
export type ServiceAccountReference = z.infer<typeof serviceAccountReferenceSchema>
export type InferenceProfile = z.infer<typeof inferenceProfileSchema>
