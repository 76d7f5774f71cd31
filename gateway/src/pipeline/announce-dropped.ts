// Announces the parameters the serving backend ignores (never dropped silently): the
// `x-strata-dropped-params` header and a log line, or the log line alone once the headers are sent.
import type { Context } from 'hono'
import type { Logger } from '../app-logger.ts'
import type { GatewayEnv } from '../gateway-env.ts'
import type { BackendKind } from '../backends/backend-target.ts'

/** Names the parameters the backend ignored, so no parameter is ever dropped silently. */
export const DROPPED_PARAMS_HEADER = 'x-strata-dropped-params'

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
