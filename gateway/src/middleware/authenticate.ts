// Client authentication: `Authorization: Bearer <key>` → the project that owns the key. Messages
// and codes follow what api.openai.com answers, so SDK error handling works unchanged; the
// presented key is never echoed back, not even masked.
import type { MiddlewareHandler } from 'hono'
import type { Caller, GatewayEnv } from '../gateway-env.ts'
import { GatewayError } from '../errors/gateway-error.ts'
import { lookupKey } from '../routing/key-lookup.ts'
import type { RoutingIndex } from '../routing/routing-index.ts'
import {
  looksLikeJwt,
  PROJECT_HEADERS,
  serviceAccountCaller,
  type ServiceAccountAuth,
} from '../auth/service-account-auth.ts'
import { gatewayError, noRoutingTable } from '../errors/catalogue.ts'

export interface AuthenticateOptions {
  routing: () => RoutingIndex | undefined
  clock: () => number
  /** Accept ServiceAccount tokens too (--service-account-auth); see auth/service-account-auth.ts. */
  serviceAccounts?: ServiceAccountAuth | undefined
  /**
   * Also take the key from `x-api-key`, as Anthropic's API does (what ANTHROPIC_API_KEY sends);
   * `Authorization: Bearer` (ANTHROPIC_AUTH_TOKEN) wins when both are present.
   */
  apiKeyHeader?: boolean
}

const missingKey = (): GatewayError =>
  gatewayError(
    'missing_api_key',
    "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
  )

const incorrectKey = (detail: string): GatewayError =>
  gatewayError('invalid_api_key', `Incorrect API key provided${detail}.`)

function bearerKey(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header)
  return match?.[1]
}

export function resolveCaller(
  options: AuthenticateOptions,
  authorization: string | undefined,
): Caller {
  const index = options.routing()
  if (index === undefined) throw noRoutingTable()
  const key = bearerKey(authorization)
  if (key === undefined) throw authorization === undefined ? missingKey() : incorrectKey('')
  const lookup = lookupKey(index, key, options.clock())
  if (lookup.outcome === 'unknown') throw incorrectKey('')
  if (lookup.outcome === 'expired') throw incorrectKey(': the key was rotated out and has expired')
  return { index, project: lookup.project }
}

// A bearer that is no known key but is JWT-shaped goes to TokenReview; keys are looked up first,
// so a key never costs a review.
async function resolveAnyCaller(
  options: AuthenticateOptions,
  authorization: string | undefined,
  header: (name: string) => string | undefined,
): Promise<Caller> {
  const key = bearerKey(authorization)
  const index = options.routing()
  const { serviceAccounts } = options
  if (
    serviceAccounts === undefined ||
    key === undefined ||
    index === undefined ||
    !looksLikeJwt(key)
  )
    return resolveCaller(options, authorization)
  if (lookupKey(index, key, options.clock()).outcome !== 'unknown')
    return resolveCaller(options, authorization)
  const project = PROJECT_HEADERS.map(header).find((value) => value !== undefined)
  return serviceAccountCaller(serviceAccounts, index, key, project)
}

export function authenticate(options: AuthenticateOptions): MiddlewareHandler<GatewayEnv> {
  return async function authenticateCaller(c, next) {
    const apiKey = options.apiKeyHeader === true ? c.req.header('x-api-key')?.trim() : undefined
    const authorization = c.req.header('authorization') ?? (apiKey ? `Bearer ${apiKey}` : undefined)
    const caller = await resolveAnyCaller(options, authorization, (name) => c.req.header(name))
    c.set('caller', caller)
    // Known from here on, so that a refusal later (an unknown model, a rate limit) is still
    // attributed to the project in metrics and the access log.
    const open = c.get('record') as GatewayEnv['Variables']['record'] | undefined
    if (open !== undefined) open.record.project = caller.project
    await next()
  }
}
