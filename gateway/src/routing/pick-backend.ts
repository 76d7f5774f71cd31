// Backend choice for one request: weighted random among the most preferred priority that has any
// weight. Fallback to the next priority on failure comes with the resilience work.
import type { Route, RouteBackend } from '@strata/crds'

/** Returns a number in [0, 1), like Math.random; injected so tests are deterministic. */
export type RandomSource = () => number

export function pickBackend(route: Route, random: RandomSource): RouteBackend | undefined {
  const live = route.backends.filter((backend) => backend.weight > 0)
  if (live.length === 0) return undefined
  const priority = Math.min(...live.map((backend) => backend.priority))
  const candidates = live.filter((backend) => backend.priority === priority)
  const total = candidates.reduce((sum, backend) => sum + backend.weight, 0)
  let point = random() * total
  for (const backend of candidates) {
    point -= backend.weight
    if (point < 0) return backend
  }
  // Only reached when random() returns 1 or more, which a correct source never does.
  return candidates.at(-1)
}
