// The CustomResourceDefinitions of the Strata API, built from the zod schemas so the apiserver
// and our code validate with one set of rules. Pure: generate-crds.ts does the writing.
// Reference: apiextensions.k8s.io/v1 CustomResourceDefinition.
import { stringify } from 'yaml'
import type { z } from 'zod'
import {
  BEDROCK_PROJECT_KIND,
  BEDROCK_PROJECT_PLURAL,
  bedrockProjectSpecSchema,
  bedrockProjectStatusSchema,
} from './bedrock-project.ts'
import { API_GROUP, API_VERSION } from './common-fields.ts'
import {
  MODEL_ROUTE_KIND,
  MODEL_ROUTE_PLURAL,
  modelRouteSpecSchema,
  modelRouteStatusSchema,
} from './model-route.ts'
import { toStructuralSchema, type StructuralSchema } from './structural-schema.ts'

interface PrinterColumn {
  name: string
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date'
  jsonPath: string
  description?: string
  priority?: number
}

interface KindDefinition {
  kind: string
  plural: string
  singular: string
  shortNames: string[]
  description: string
  spec: z.ZodType
  status: z.ZodType
  columns: PrinterColumn[]
}

const readyColumn: PrinterColumn = {
  name: 'Ready',
  type: 'string',
  jsonPath: '.status.conditions[?(@.type=="Ready")].status',
  description: 'Status of the Ready condition.',
}
const ageColumn: PrinterColumn = {
  name: 'Age',
  type: 'date',
  jsonPath: '.metadata.creationTimestamp',
}

export const kindDefinitions: readonly KindDefinition[] = [
  {
    kind: BEDROCK_PROJECT_KIND,
    plural: BEDROCK_PROJECT_PLURAL,
    singular: 'bedrockproject',
    shortNames: ['bp'],
    description:
      'BedrockProject owns one Amazon Bedrock project and its cost attribution: the operator creates (or adopts) the project, keeps its tags in sync, creates inference profiles, and writes a Secret <name>-openai with OPENAI_BASE_URL and OPENAI_API_KEY for applications.',
    spec: bedrockProjectSpecSchema,
    status: bedrockProjectStatusSchema,
    columns: [
      readyColumn,
      { name: 'Project ID', type: 'string', jsonPath: '.status.projectId' },
      { name: 'Region', type: 'string', jsonPath: '.spec.region' },
      ageColumn,
    ],
  },
  {
    kind: MODEL_ROUTE_KIND,
    plural: MODEL_ROUTE_PLURAL,
    singular: 'modelroute',
    shortNames: ['mr'],
    description:
      'ModelRoute binds the model name that clients send (e.g. gpt-4o) to Bedrock backends for one BedrockProject, with weights, fallback priorities, limits and request defaults.',
    spec: modelRouteSpecSchema,
    status: modelRouteStatusSchema,
    columns: [
      readyColumn,
      { name: 'Model', type: 'string', jsonPath: '.spec.model' },
      { name: 'Project', type: 'string', jsonPath: '.spec.projectRef.name' },
      { name: 'Backends', type: 'string', jsonPath: '.status.backends' },
      {
        name: 'Rollout',
        type: 'string',
        jsonPath: '.status.rollout.phase',
        description: 'Phase of the rollout, when spec.rollout is declared.',
      },
      {
        name: 'Step',
        type: 'integer',
        jsonPath: '.status.rollout.step',
        description: 'Index of the current rollout step (0-based).',
      },
      {
        name: 'Weight',
        type: 'integer',
        jsonPath: '.status.rollout.weight',
        description: 'Percent of the traffic the candidate takes now.',
      },
      ageColumn,
    ],
  },
]

function openApiSchema(definition: KindDefinition): StructuralSchema {
  return {
    description: definition.description,
    type: 'object',
    required: ['spec'],
    properties: {
      apiVersion: {
        description:
          'APIVersion defines the versioned schema of this representation of an object. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources',
        type: 'string',
      },
      kind: {
        description:
          'Kind is a string value representing the REST resource this object represents. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds',
        type: 'string',
      },
      metadata: { type: 'object' },
      spec: toStructuralSchema(definition.spec),
      status: toStructuralSchema(definition.status),
    },
  }
}

/** The CRD object of one kind, ready to apply. */
export function customResourceDefinition(definition: KindDefinition): Record<string, unknown> {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${definition.plural}.${API_GROUP}` },
    spec: {
      group: API_GROUP,
      names: {
        kind: definition.kind,
        listKind: `${definition.kind}List`,
        plural: definition.plural,
        singular: definition.singular,
        shortNames: definition.shortNames,
        categories: ['strata'],
      },
      scope: 'Namespaced',
      versions: [
        {
          name: API_VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: definition.columns,
          schema: { openAPIV3Schema: openApiSchema(definition) },
        },
      ],
    },
  }
}

export const GENERATED_HEADER = '# generated by crds/src/generate-crds.ts; do not edit\n'

/** File name in the controller-gen convention, e.g. strata.dev_modelroutes.yaml. */
export function crdFileName(definition: KindDefinition): string {
  return `${API_GROUP}_${definition.plural}.yaml`
}

/** Each CRD as deterministic YAML: same schemas in, same bytes out. */
export function renderCustomResourceDefinitions(): { fileName: string; content: string }[] {
  return kindDefinitions.map((definition) => ({
    fileName: crdFileName(definition),
    content:
      GENERATED_HEADER +
      stringify(customResourceDefinition(definition), {
        lineWidth: 0,
        aliasDuplicateObjects: false,
      }),
  }))
}
