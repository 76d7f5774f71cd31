import { describe, expect, it } from 'vitest'
import { conditionSchema, findCondition, type Condition } from './conditions.ts'

const ready: Condition = {
  type: 'Ready',
  status: 'True',
  reason: 'Reconciled',
  message: '',
  lastTransitionTime: '2026-05-01T10:00:00Z',
}

function messagesOf(condition: unknown): string[] {
  const result = conditionSchema.safeParse(condition)
  return result.success
    ? []
    : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
}

describe('condition schema', () => {
  it('accepts metav1.Condition values, including domain-prefixed types', () => {
    expect(messagesOf(ready)).toEqual([])
    expect(
      messagesOf({ ...ready, type: 'strata.dev/ProjectSynced', observedGeneration: 4 }),
    ).toEqual([])
    expect(messagesOf({ ...ready, reason: 'Throttled:Retrying_1' })).toEqual([])
  })

  it.each([
    ['a lowercase status', { status: 'true' }, 'status: Invalid option'],
    ['a reason with spaces', { reason: 'not ready' }, 'reason: must be a CamelCase word'],
    ['an empty reason', { reason: '' }, 'reason: Too small'],
    ['a type with spaces', { type: 'Not Ready' }, 'type: must be CamelCase or domain/CamelCase'],
    [
      'a missing transition time',
      { lastTransitionTime: undefined },
      'lastTransitionTime: Invalid input',
    ],
    [
      'a transition time without zone',
      { lastTransitionTime: '2026-05-01T10:00:00' },
      'lastTransitionTime: Invalid ISO datetime',
    ],
    ['a negative observedGeneration', { observedGeneration: -1 }, 'observedGeneration: Too small'],
  ])('rejects %s', (_what, change, expected) => {
    expect(messagesOf({ ...ready, ...change }).join('\n')).toContain(expected)
  })

  it('finds a condition by type', () => {
    expect(findCondition([ready], 'Ready')).toBe(ready)
    expect(findCondition([ready], 'Accepted')).toBeUndefined()
    expect(findCondition(undefined, 'Ready')).toBeUndefined()
  })
})
