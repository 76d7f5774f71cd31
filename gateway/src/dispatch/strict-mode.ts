// Never drop silently (docs/architecture.md, "Rules the code keeps"): a parameter the backend
// cannot honour is either announced (`x-strata-dropped-params` and a log line,
// pipeline/announce-dropped.ts) or, on a route with `strict: true`, refused with OpenAI's own 400 for
// an unsupported parameter.
import type { Route } from '@strata/crds'
import { GatewayError } from '../errors/gateway-error.ts'
import { gatewayError } from '../errors/catalogue.ts'

export function unsupportedParameter(param: string, reason: string): GatewayError {
  return gatewayError('unsupported_parameter', `Unsupported parameter: '${param}' ${reason}`, {
    param,
  })
}

/** settleDropped returns what to announce, or throws the 400 of a strict route. */
export function settleDropped(route: Pick<Route, 'strict'>, dropped: readonly string[]): string[] {
  const [first] = dropped
  if (route.strict === true && first !== undefined) {
    throw unsupportedParameter(
      first,
      `is not supported by this model's backend, and the route is strict. Leave it out${dropped.length > 1 ? ` (also: ${dropped.slice(1).join(', ')})` : ''}.`,
    )
  }
  return [...dropped]
}
