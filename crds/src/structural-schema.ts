// Turns a zod schema into a Kubernetes structural schema: the OpenAPI v3 subset a CRD accepts.
// Rules: https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#specifying-a-structural-schema
// Anything outside the subset throws instead of being dropped, so a new zod feature cannot slip
// through as a silently missing validation.
import { z } from 'zod'

export interface StructuralSchema {
  [keyword: string]: unknown
}

const KEPT_KEYWORDS = new Set([
  'type',
  'description',
  'properties',
  'required',
  'items',
  'additionalProperties',
  'enum',
  'default',
  'format',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'x-kubernetes-validations',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
])

// zod's .int() bounds integers to the JS safe range; Kubernetes integers are int64 already.
const SAFE_INTEGER_BOUNDS = new Set([Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER])

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Converts the input side of a zod schema (so defaulted fields are optional) to a structural schema. */
export function toStructuralSchema(schema: z.ZodType): StructuralSchema {
  const json = z.toJSONSchema(schema, {
    io: 'input',
    target: 'openapi-3.0',
    reused: 'inline',
    cycles: 'throw',
    unrepresentable: 'throw',
  })
  return structural(json, '')
}

function structural(node: unknown, path: string): StructuralSchema {
  if (!isRecord(node)) throw new Error(`${path || '/'}: expected a schema object`)
  const result: StructuralSchema = {}
  for (const key of Object.keys(node).sort()) {
    const value = node[key]
    if (key === '$schema') continue
    if (key === 'additionalProperties' && value === false) continue
    if (key === 'pattern' && node['format'] === 'date-time') continue
    if ((key === 'minimum' || key === 'maximum') && SAFE_INTEGER_BOUNDS.has(value as number))
      continue
    if (!KEPT_KEYWORDS.has(key))
      throw new Error(`${path || '/'}: "${key}" is not allowed in a structural schema`)
    if (key === 'properties') result[key] = structuralProperties(value, path)
    else if (key === 'items' || key === 'additionalProperties')
      result[key] = structural(value, `${path}/${key}`)
    else result[key] = value
  }
  if (typeof result['type'] !== 'string') throw new Error(`${path || '/'}: every node needs a type`)
  return result
}

function structuralProperties(value: unknown, path: string): Record<string, StructuralSchema> {
  if (!isRecord(value)) throw new Error(`${path}/properties: expected an object`)
  const properties: Record<string, StructuralSchema> = {}
  for (const name of Object.keys(value).sort())
    properties[name] = structural(value[name], `${path}/properties/${name}`)
  return properties
}

/** Every node of a structural schema with its path, for tests and checks. */
export function* schemaNodes(
  schema: StructuralSchema,
  path = '',
): Generator<[string, StructuralSchema]> {
  yield [path || '/', schema]
  const { properties, items, additionalProperties } = schema
  if (isRecord(properties))
    for (const [name, child] of Object.entries(properties))
      if (isRecord(child)) yield* schemaNodes(child, `${path}/properties/${name}`)
  if (isRecord(items)) yield* schemaNodes(items, `${path}/items`)
  if (isRecord(additionalProperties))
    yield* schemaNodes(additionalProperties, `${path}/additionalProperties`)
}
