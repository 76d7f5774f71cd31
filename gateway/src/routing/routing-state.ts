// The table currently served. Swapping is one reference assignment: a request reads the index once
// and keeps that one to its end, so a reload never changes the rules under a request in flight.
import type { RoutingTable } from '@strata/crds'
import { buildRoutingIndex, type RoutingIndex } from './routing-index.ts'

export interface RoutingState {
  /** The index of the table being served, or undefined before the first valid table. */
  readonly current: () => RoutingIndex | undefined
  /** Builds the index for `table` and serves it from now on. */
  readonly replace: (table: RoutingTable) => RoutingIndex
}

export function createRoutingState(initial?: RoutingTable): RoutingState {
  let index = initial === undefined ? undefined : buildRoutingIndex(initial)
  return {
    current: () => index,
    replace: (table) => {
      index = buildRoutingIndex(table)
      return index
    },
  }
}
