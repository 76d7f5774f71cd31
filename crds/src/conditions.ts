// metav1.Condition, field for field, so kubectl, kstatus and other tooling read our status the way
// they read built-in objects. Reference: k8s.io/apimachinery/pkg/apis/meta/v1 Condition.
import { z } from 'zod'
import { uniqueBy } from './common-fields.ts'
import { kubernetes } from './kubernetes-extensions.ts'

// metav1's pattern; RE2 (the apiserver) reads the "\/" that RegExp.source adds as "/".
const conditionTypePattern =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$/

export const conditionStatusSchema = z
  .enum(['True', 'False', 'Unknown'])
  .describe('Status of the condition: True, False or Unknown.')

export const conditionSchema = z
  .strictObject({
    type: z
      .string()
      .min(1)
      .max(316)
      .regex(conditionTypePattern, 'must be CamelCase or domain/CamelCase')
      .describe('Type of the condition in CamelCase, e.g. Ready. At most one entry per type.'),
    status: conditionStatusSchema,
    observedGeneration: kubernetes(z.int().min(0), { format: 'int64' })
      .optional()
      .describe(
        'The metadata.generation the condition was set from. When it is lower than metadata.generation, the condition is out of date.',
      ),
    lastTransitionTime: kubernetes(z.iso.datetime({ offset: true }), {
      format: 'date-time',
    }).describe('When the condition last changed status (not when it was last checked).'),
    reason: z
      .string()
      .min(1)
      .max(1024)
      .regex(/^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/, 'must be a CamelCase word')
      .describe(
        'A CamelCase word that says why the condition has its status, for machines and alerting rules.',
      ),
    message: z
      .string()
      .max(32768)
      .describe('A human-readable explanation of the last transition. May be empty.'),
  })
  .describe('One observation of the object state, in the shape of metav1.Condition.')

// Keyed by type so that server-side apply merges one condition per type and two writers
// (say, the project and route controllers) never clobber each other's conditions.
export const conditionsSchema = kubernetes(z.array(conditionSchema).max(16), {
  listType: 'map',
  listMapKeys: ['type'],
})
  .superRefine(uniqueBy((condition) => condition.type, 'condition type'))
  .describe(
    'The latest observations of the object state. Ready summarises them; the other types say which part is not ready and why.',
  )

export type ConditionStatus = z.infer<typeof conditionStatusSchema>
export type Condition = z.infer<typeof conditionSchema>

/** Finds the condition of one type, e.g. `findCondition(status.conditions, 'Ready')`. */
export function findCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((condition) => condition.type === type)
}
