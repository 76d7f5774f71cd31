// The few lines every model endpoint shares to use the resilience controls: name the route on the
// request record (runAttempts names the backend of each attempt), read the sticky header, and say
// which backend kinds this gateway implements for the endpoint's API.
import type { Route, RouteBackend } from '@strata/crds'
import type { Caller } from '../gateway-env.ts'
import type { BackendKind } from '../backends/backend-target.ts'
import type { RequestRecord } from '../observe/request-record.ts'

export function noteRoute(
  record: RequestRecord,
  caller: Caller,
  route: Route,
  model: string,
): void {
  record.project = caller.project
  record.route = route
  record.model = model
}

/** The sticky header's value, when the route asks for stickiness and the client sent one. */
export function stickyValueOf(
  route: Route,
  header: (name: string) => string | undefined,
): string | undefined {
  if (route.sticky === undefined) return undefined
  const value = header(route.sticky.header)
  return value === undefined || value === '' ? undefined : value
}

/** The implementation of an API for a backend kind; runAttempts only picks kinds that have one. */
export function implementationOf<B>(
  backends: Partial<Record<BackendKind, B | undefined>> | undefined,
  backend: RouteBackend,
): B {
  const found = backends?.[backend.kind]
  if (found === undefined) throw new Error(`no implementation for ${backend.kind} backends`)
  return found
}
