// The alias a client sent, resolved in the caller's project: the route, or OpenAI's 404 for a model
// that does not exist. The choice among the route's backends is resilience/run-attempts.ts.
import type { Project, Route } from '@strata/crds'
import { modelNotFound } from '../errors/catalogue.ts'
import { findRoute, type RoutingIndex } from './routing-index.ts'

export function findModelRoute(
  caller: { index: RoutingIndex; project: Project },
  alias: string,
): Route {
  const route = findRoute(caller.index, caller.project, alias)
  if (route === undefined) throw modelNotFound(alias)
  return route
}
