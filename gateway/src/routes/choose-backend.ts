// The part every model endpoint shares: find the alias in the caller's project, pick a backend
// by weight, and find this gateway's implementation of that API for the backend's kind. Also the
// one way parameters a backend ignores are announced (never dropped silently).
import type { Route, RouteBackend } from '@strata/crds'
import type { Context } from 'hono'
import type { Logger } from '../app-logger.ts'
import type { Caller, GatewayEnv } from '../app-deps.ts'
import type { BackendKind } from '../backends/chat-backend.ts'
import { GatewayError } from '../errors/gateway-error.ts'
import type { RequestRecord } from '../observe/request-record.ts'
import type { RandomSource } from '../routing/pick-backend.ts'
import { pickBackend } from '../routing/pick-backend.ts'
import { findRoute } from '../routing/routing-index.ts'
import { modelNotFound } from './models.ts'

/** Names the parameters the backend ignored, so no parameter is ever dropped silently. */
export const DROPPED_PARAMS_HEADER = 'x-strata-dropped-params'

const unavailable = (message: string, code: string): GatewayError =>
  new GatewayError(503, 'server_error', message, { code })

export function findModelRoute(caller: Caller, alias: string): Route {
  const route = findRoute(caller.index, caller.project, alias)
  if (route === undefined) throw modelNotFound(alias)
  return route
}

export interface Service {
  backends: Partial<Record<BackendKind, unknown>>
}

type BackendOf<S extends Service> = NonNullable<S['backends'][BackendKind]>

export interface Chosen<S extends Service> {
  choice: RouteBackend
  backend: BackendOf<S>
  /** The API's dependencies, known to be configured once a backend was found. */
  service: S
}

export function chooseBackend<S extends Service>(
  route: Route,
  random: RandomSource,
  service: S | undefined,
  api: string,
): Chosen<S> {
  const choice = pickBackend(route, random)
  if (choice === undefined)
    throw unavailable(
      `No backend of the model \`${route.model}\` is taking traffic.`,
      'no_backend_available',
    )
  const backend = service?.backends[choice.kind] as BackendOf<S> | undefined
  if (service === undefined || backend === undefined)
    throw unavailable(
      `This gateway serves no ${api} on its ${choice.kind} backend.`,
      'backend_unavailable',
    )
  return { choice, backend, service }
}

/** Tells the request record who is being served by what. */
export function noteChoice(
  record: RequestRecord,
  caller: Caller,
  route: Route,
  choice: RouteBackend,
  model: string,
): void {
  record.project = caller.project
  record.route = route
  record.model = model
  record.backend = choice
  record.attempts += 1
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
