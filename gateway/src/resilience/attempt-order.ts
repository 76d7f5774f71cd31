// The order in which one request tries a route's backends. The most preferred priority that has a
// usable backend comes first, and within it the weighted pick; the rest of that priority follows
// by weight, then each later priority the same way. Weight 0 is the kill switch: such a backend
// gets no traffic at all, not even as a fallback, from the table version that sets it.
// Pure: the draw in [0, 1) is passed in (random, or a sticky hash).
import type { Route, RouteBackend } from '@strata/crds'

/** Returns a number in [0, 1), like Math.random; injected so tests are deterministic. */
export type RandomSource = () => number

export interface Candidate {
  backend: RouteBackend
  /** Position in the route's list: the `backend_name` of an unnamed backend. */
  index: number
}

/** The backend's label in metrics and logs: its name, or its position in the route. */
export function backendLabel(candidate: Candidate): string {
  return candidate.backend.name ?? String(candidate.index)
}

function weightedFirst(group: Candidate[], point: number): Candidate[] {
  const total = group.reduce((sum, candidate) => sum + candidate.backend.weight, 0)
  let rest = point * total
  let chosen = group.length - 1
  for (const [position, candidate] of group.entries()) {
    rest -= candidate.backend.weight
    if (rest < 0) {
      chosen = position
      break
    }
  }
  const others = group.filter((_, position) => position !== chosen)
  others.sort((a, b) => b.backend.weight - a.backend.weight || a.index - b.index)
  const first = group[chosen]
  return first === undefined ? others : [first, ...others]
}

/**
 * attemptOrder lists the backends to try, best first, leaving out those `usable` refuses (an open
 * circuit, no implementation for the kind). The draw only matters within the first priority, but
 * it is applied to each so that a sticky session falls back consistently too.
 */
export function attemptOrder(
  route: Route,
  point: number,
  usable: (candidate: Candidate) => boolean = () => true,
): Candidate[] {
  // Most routes have one backend; the general path below allocates a dozen arrays to say so.
  const only = route.backends[0]
  if (only !== undefined && route.backends.length === 1) {
    const candidate = { backend: only, index: 0 }
    return only.weight > 0 && usable(candidate) ? [candidate] : []
  }
  const live = route.backends
    .map((backend, index) => ({ backend, index }))
    .filter((candidate) => candidate.backend.weight > 0 && usable(candidate))
  const priorities = [...new Set(live.map((candidate) => candidate.backend.priority))].sort(
    (a, b) => a - b,
  )
  return priorities.flatMap((priority) =>
    weightedFirst(
      live.filter((candidate) => candidate.backend.priority === priority),
      point,
    ),
  )
}

/** The shadow backend a route names, by name or (in a hand-written table) by position. */
export function shadowCandidate(route: Route): Candidate | undefined {
  const wanted = route.shadow?.backend
  if (wanted === undefined) return undefined
  const byName = route.backends.findIndex((backend) => backend.name === wanted)
  const index = byName >= 0 ? byName : /^\d+$/.test(wanted) ? Number(wanted) : -1
  const backend = route.backends[index]
  return backend === undefined ? undefined : { backend, index }
}
