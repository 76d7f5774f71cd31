// Counts every answered request. The route label is the pattern that matched (`/v1/models/:model`),
// never the raw path, and unknown methods fold into OTHER, so a scanner cannot grow the series.
import type { Context, MiddlewareHandler } from 'hono'
import { routePath } from 'hono/route'
import type { GatewayMetrics } from '../metrics/gateway-metrics.ts'

export interface RequestMetricsOptions {
  metrics: GatewayMetrics
}

const knownMethods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])

function routeLabel(c: Context): string {
  const pattern = routePath(c, -1)
  return pattern === '' || pattern.includes('*') ? 'unmatched' : pattern
}

export function requestMetrics(options: RequestMetricsOptions): MiddlewareHandler {
  return async function countRequest(c, next) {
    await next()
    options.metrics.requests.inc({
      route: routeLabel(c),
      method: knownMethods.has(c.req.method) ? c.req.method : 'OTHER',
      status: String(c.res.status),
    })
  }
}
