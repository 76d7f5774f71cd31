import { describe, expect, it } from 'vitest'
import { conditionsDiffer, nextConditions } from './conditions.ts'

const t0 = new Date('2026-11-22T10:00:00.123Z')
const t1 = new Date('2026-11-22T10:05:00Z')

describe('nextConditions', () => {
  it('sets lastTransitionTime on a change of status only', () => {
    const first = nextConditions(
      undefined,
      [{ type: 'Ready', status: false, reason: 'Creating', message: '' }],
      1,
      t0,
    )
    expect(first).toEqual([
      {
        type: 'Ready',
        status: 'False',
        observedGeneration: 1,
        lastTransitionTime: '2026-11-22T10:00:00Z',
        reason: 'Creating',
        message: '',
      },
    ])
    const same = nextConditions(
      first,
      [{ type: 'Ready', status: false, reason: 'BedrockThrottled', message: 'slow down' }],
      2,
      t1,
    )
    expect(same[0]).toMatchObject({
      lastTransitionTime: '2026-11-22T10:00:00Z',
      reason: 'BedrockThrottled',
      observedGeneration: 2,
    })
    const flipped = nextConditions(
      same,
      [{ type: 'Ready', status: true, reason: 'Ready', message: '' }],
      2,
      t1,
    )
    expect(flipped[0]).toMatchObject({ status: 'True', lastTransitionTime: '2026-11-22T10:05:00Z' })
    expect(conditionsDiffer(same, flipped)).toBe(true)
    expect(conditionsDiffer(flipped, nextConditions(flipped, [], 2, t1))).toBe(false)
  })

  it('keeps conditions it was not asked to change', () => {
    const both = nextConditions(
      undefined,
      [
        { type: 'Ready', status: true, reason: 'Ready', message: '' },
        { type: 'ProjectSynced', status: true, reason: 'Synced', message: '' },
      ],
      1,
      t0,
    )
    expect(
      nextConditions(both, [{ type: 'Ready', status: false, reason: 'X', message: '' }], 1, t1).map(
        (c) => c.type,
      ),
    ).toEqual(['ProjectSynced', 'Ready'])
  })
})
