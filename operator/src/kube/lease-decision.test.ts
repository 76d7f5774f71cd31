import { describe, expect, it } from 'vitest'
import { decideLease } from './lease-decision.ts'

const now = new Date('2026-11-22T10:00:00Z')
const secondsAgo = (s: number) => new Date(now.getTime() - s * 1000)

describe('decideLease', () => {
  it.each([
    ['no lease yet', undefined, 'acquire', 0],
    [
      'an empty holder (released on shutdown)',
      { holderIdentity: '', renewTime: secondsAgo(1), leaseTransitions: 3 },
      'acquire',
      3,
    ],
    [
      'our own lease',
      { holderIdentity: 'me', renewTime: secondsAgo(5), leaseDurationSeconds: 15 },
      'renew',
      undefined,
    ],
    [
      'a live lease of another',
      { holderIdentity: 'other', renewTime: secondsAgo(5), leaseDurationSeconds: 15 },
      'wait',
      undefined,
    ],
    [
      'an expired lease of another',
      {
        holderIdentity: 'other',
        renewTime: secondsAgo(16),
        leaseDurationSeconds: 15,
        leaseTransitions: 2,
      },
      'acquire',
      3,
    ],
  ] as const)('%s → %s', (_name, current, action, transitions) => {
    const decision = decideLease(current, 'me', 15, now)
    expect(decision.action).toBe(action)
    if (decision.action === 'acquire') {
      expect(decision.spec).toMatchObject({
        holderIdentity: 'me',
        acquireTime: now,
        renewTime: now,
        leaseTransitions: transitions,
      })
    }
    if (decision.action === 'wait') expect(decision.holder).toBe('other')
  })
})
