// Kubernetes-only schema keywords (CEL rules, list types, map bounds) ride on zod metadata, so a
// field's validation lives beside its zod definition and the CRD generator cannot forget it.
// z.toJSONSchema copies metadata keys verbatim; the generator then keeps only the structural
// subset (see structural-schema.ts).
// Reference: https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/
import type { z } from 'zod'

/** One `x-kubernetes-validations` entry. */
export interface CelRule {
  /** The CEL expression; `self` is the value of the field the rule sits on. */
  rule: string
  message?: string
  /** A CEL expression yielding the message, evaluated only when the rule fails. */
  messageExpression?: string
  reason?:
    'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueDuplicate'
  /** A JSONPath-like path, relative to `self`, that the error is reported against. */
  fieldPath?: string
}

export interface KubernetesExtensions {
  validations?: readonly CelRule[]
  listType?: 'atomic' | 'set' | 'map'
  listMapKeys?: readonly string[]
  /** JSON Schema keywords that zod has no method for. */
  maxProperties?: number
  format?: 'int32' | 'int64' | 'date-time'
}

/** Attaches Kubernetes keywords to a zod schema; returns the same schema type. */
export function kubernetes<T extends z.ZodType>(schema: T, extensions: KubernetesExtensions): T {
  const meta: Record<string, unknown> = {}
  if (extensions.validations) meta['x-kubernetes-validations'] = extensions.validations
  if (extensions.listType) meta['x-kubernetes-list-type'] = extensions.listType
  if (extensions.listMapKeys) meta['x-kubernetes-list-map-keys'] = extensions.listMapKeys
  if (extensions.maxProperties !== undefined) meta['maxProperties'] = extensions.maxProperties
  if (extensions.format) meta['format'] = extensions.format
  return schema.meta(meta)
}

/** The CEL immutability rule, with a message that says what to do instead. */
export function immutable(message: string): CelRule {
  return { rule: 'self == oldSelf', message }
}
