// A replica's part of a limit declared for the whole fleet: `limit / replicas`, with the count
// never below 1 (no replica counted yet is this one alone) and rounded down to whole replicas, so a
// bad count can only ever make the share larger than exact, never zero or negative.
export function replicaShare(limit: number, replicas: number): number {
  const divisor = Number.isFinite(replicas) ? Math.max(1, Math.floor(replicas)) : 1
  return limit / divisor
}
