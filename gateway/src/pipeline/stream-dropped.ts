// Which parameters a stream's backend dropped is known only once an attempt is served. Served
// before the 200 (the usual case), the response header says so; served after keep-alives began,
// the headers are already on the wire, and the log line is the announcement.
import type { RouteBackend } from '@strata/crds'
import type { Logger } from '../app-logger.ts'
import type { DeferredStream } from '../resilience/deferred-stream.ts'
import { DROPPED_PARAMS_HEADER, logDropped } from './announce-dropped.ts'

/** The headers announcing what the serving backend dropped, asked when the 200 is committed. */
export function droppedHeaders<T>(
  deferred: DeferredStream<T>,
  prepareFor: (backend: RouteBackend) => { dropped: string[] },
  logger: Logger,
  model: string,
): Record<string, string> {
  const announce = (backend: RouteBackend): string[] => {
    const { dropped } = prepareFor(backend)
    logDropped(logger, dropped, backend.kind, model)
    return dropped
  }
  const served = deferred.current()
  if (served === undefined) {
    deferred.served.then(
      (late) => announce(late.candidate.backend),
      () => undefined,
    )
    return {}
  }
  const dropped = announce(served.candidate.backend)
  return dropped.length > 0 ? { [DROPPED_PARAMS_HEADER]: dropped.join(', ') } : {}
}
