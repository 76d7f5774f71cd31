// Status conditions the Kubernetes way: lastTransitionTime moves only when status changes, and
// every condition records the generation it was computed from.
import type { Condition } from '@strata/crds'

/** One condition to set; `T` narrows the type to a kind's own list (crds *_CONDITION_TYPES). */
export interface ConditionUpdate<T extends string = string> {
  type: T
  status: boolean | 'Unknown'
  reason: string
  message: string
}

export function nextConditions(
  existing: Condition[] | undefined,
  updates: ConditionUpdate[],
  generation: number,
  now: Date,
): Condition[] {
  const byType = new Map((existing ?? []).map((condition) => [condition.type, condition]))
  for (const update of updates) {
    const status = update.status === 'Unknown' ? 'Unknown' : update.status ? 'True' : 'False'
    const previous = byType.get(update.type)
    byType.set(update.type, {
      type: update.type,
      status,
      observedGeneration: generation,
      lastTransitionTime:
        previous?.status === status
          ? previous.lastTransitionTime
          : now.toISOString().replace(/\.\d+Z$/, 'Z'),
      reason: update.reason,
      message: update.message.slice(0, 32_768),
    })
  }
  return [...byType.values()].sort((a, b) => a.type.localeCompare(b.type))
}

/** True when applying `next` would change what the status says (ignoring nothing but order). */
export function conditionsDiffer(a: Condition[] | undefined, b: Condition[]): boolean {
  return (
    JSON.stringify([...(a ?? [])].sort((x, y) => x.type.localeCompare(y.type))) !==
    JSON.stringify(b)
  )
}
