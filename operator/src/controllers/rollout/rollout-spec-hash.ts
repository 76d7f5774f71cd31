// A short, stable hash of spec.rollout: the status records the one it follows, so an edit of the
// rollout restarts it from the first step rather than mixing two plans. Pure.
import { createHash } from 'node:crypto'
import type { ModelRouteRollout } from '@strata/crds'

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical)
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, item]) => item !== undefined)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, item]) => [key, canonical(item)]),
    )
  return value
}

export function rolloutSpecHash(rollout: ModelRouteRollout): string {
  return createHash('sha256')
    .update(JSON.stringify(canonical(rollout)))
    .digest('hex')
    .slice(0, 16)
}
