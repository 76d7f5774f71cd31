// Pure rules of leader election on a coordination.k8s.io Lease, as controller-runtime applies
// them: hold while renewing within the lease duration, take over only once the holder's renewal
// has expired, and count transitions when the holder changes.

export interface LeaseState {
  holderIdentity?: string | undefined
  leaseDurationSeconds?: number | undefined
  renewTime?: Date | undefined
  acquireTime?: Date | undefined
  leaseTransitions?: number | undefined
}

export type LeaseDecision =
  | { action: 'renew'; spec: LeaseState }
  | { action: 'acquire'; spec: LeaseState }
  | { action: 'wait'; holder: string }

export function decideLease(
  current: LeaseState | undefined,
  identity: string,
  durationSeconds: number,
  now: Date,
): LeaseDecision {
  const base = { holderIdentity: identity, leaseDurationSeconds: durationSeconds, renewTime: now }
  if (current?.holderIdentity === identity) {
    return { action: 'renew', spec: { ...current, ...base } }
  }
  const holder = current?.holderIdentity
  const renewedAt = current?.renewTime?.getTime() ?? 0
  const duration = (current?.leaseDurationSeconds ?? durationSeconds) * 1000
  if (holder && renewedAt + duration > now.getTime()) return { action: 'wait', holder }
  return {
    action: 'acquire',
    spec: {
      ...base,
      acquireTime: now,
      leaseTransitions: (current?.leaseTransitions ?? 0) + (holder ? 1 : 0),
    },
  }
}
