// A replica's part of a limit declared for the whole fleet: `limit / replicas`, with the count
// never below 1 (no replica counted yet is this one alone) and rounded down to whole replicas, so a
// bad count can only ever make the share larger than exact, never zero or negative.
export function replicaShare(limit: number, replicas: number): number {
  return limit / replicaDivisor(replicas)
}

/** The whole count a share divides by, as strata_gateway_limits_replicas reports it. */
export function replicaDivisor(replicas: number): number {
  return Number.isFinite(replicas) ? Math.max(1, Math.floor(replicas)) : 1
}
