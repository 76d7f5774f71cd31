// Field schemas that BedrockProject and ModelRoute share. Every string is bounded: CEL rules that
// touch a field are costed by its maximum size, and an unbounded one can exceed the budget.
import { z } from 'zod'
import { kubernetes } from './kubernetes-extensions.ts'

export const API_GROUP = 'strata.dev'
export const API_VERSION = 'v1alpha1'
export const GROUP_VERSION = `${API_GROUP}/${API_VERSION}`

/** An RFC 1123 subdomain: the rule for most Kubernetes object names. */
export const objectNameSchema = z
  .string()
  .min(1)
  .max(253)
  .regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
    'must be a lowercase RFC 1123 subdomain (letters, digits, "-" and ".")',
  )

/** An RFC 1123 label: the rule for namespace names. */
export const namespaceNameSchema = z
  .string()
  .min(1)
  .max(63)
  .regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
    'must be a lowercase RFC 1123 label (letters, digits and "-")',
  )

export const awsRegionSchema = z
  .string()
  .min(1)
  .max(32)
  .regex(/^[a-z]{2}(-[a-z]+)+-[0-9]+$/, 'must be an AWS region such as us-east-1')

export const observedGenerationSchema = kubernetes(z.int().min(0), { format: 'int64' }).describe(
  'The metadata.generation of the spec that the operator last acted on. When it is lower than metadata.generation, the status describes an older spec.',
)

export const routingTableVersionSchema = z
  .string()
  .min(1)
  .max(128)
  .describe(
    'The version of the routing table that serves this object, as written in the published table. Absent until a table includes it.',
  )

/**
 * A superRefine that reports items sharing a key, as the apiserver does for list-type set and map.
 * Mirrors the CRD so that code validating without an apiserver reaches the same verdict.
 */
export function uniqueBy<T>(
  keyOf: (item: T) => string,
  what: string,
): (items: T[], context: z.RefinementCtx) => void {
  return (items, context) => {
    const seen = new Set<string>()
    items.forEach((item, index) => {
      const key = keyOf(item)
      if (seen.has(key))
        context.addIssue({ code: 'custom', message: `duplicate ${what} ${key}`, path: [index] })
      seen.add(key)
    })
  }
}

/** Loose on purpose: the apiserver owns metadata and validates it. */
export const objectMetaSchema = z.looseObject({
  name: z.string().optional(),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  generation: z.int().optional(),
  resourceVersion: z.string().optional(),
  finalizers: z.array(z.string()).optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
})
