// The part every model endpoint shares: find the alias in the caller's project, and announce the
// parameters a backend ignores (never dropped silently). The choice among the route's backends is
// resilience/run-attempts.ts.
import type { Route } from '@strata/crds'
import type { Context } from 'hono'
import type { Logger } from '../app-logger.ts'
import type { Caller, GatewayEnv } from '../app-deps.ts'
import type { BackendKind } from '../backends/chat-backend.ts'
import { findRoute } from '../routing/routing-index.ts'
import { modelNotFound } from './models.ts'

/** Names the parameters the backend ignored, so no parameter is ever dropped silently. */
export const DROPPED_PARAMS_HEADER = 'x-strata-dropped-params'

export function findModelRoute(caller: Caller, alias: string): Route {
  const route = findRoute(caller.index, caller.project, alias)
  if (route === undefined) throw modelNotFound(alias)
  return route
}

export function announceDropped(
  c: Context<GatewayEnv>,
  logger: Logger,
  dropped: string[],
  kind: BackendKind,
  model: string,
): void {
  if (dropped.length === 0) return
  c.header(DROPPED_PARAMS_HEADER, dropped.join(', '))
  logDropped(logger, dropped, kind, model)
}

/** The log half of announceDropped, alone when the headers are already sent. */
export function logDropped(
  logger: Logger,
  dropped: string[],
  kind: BackendKind,
  model: string,
): void {
  if (dropped.length === 0) return
  logger.info('parameters accepted but not honoured by the backend', {
    dropped,
    backend: kind,
    model,
  })
}
