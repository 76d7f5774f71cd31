// Endpoints for the platform rather than for clients: liveness, readiness and Prometheus metrics.
// Readiness means "can serve and should be sent traffic": a valid routing table is loaded and the
// process is not stopping. Liveness only means the event loop answers, so a slow upstream never
// gets the pod restarted.
import type { Handler } from 'hono'
import type { GatewayEnv } from '../gateway-env.ts'
import type { GatewayMetrics } from '../metrics/gateway-metrics.ts'
import type { RoutingIndex } from '../routing/routing-index.ts'
import { gatewayError, noRoutingTable } from '../errors/catalogue.ts'

export function healthz(): Handler<GatewayEnv> {
  return function reportAlive(c) {
    return c.json({ status: 'ok' })
  }
}

export function readyz(
  routing: () => RoutingIndex | undefined,
  stopping: () => boolean = () => false,
): Handler<GatewayEnv> {
  return function reportReady(c) {
    if (stopping()) {
      throw gatewayError('shutting_down', 'The gateway is shutting down.')
    }
    const index = routing()
    if (index === undefined) throw noRoutingTable()
    return c.json({ status: 'ready', routingTableVersion: index.table.version })
  }
}

export function metricsEndpoint(metrics: GatewayMetrics): Handler<GatewayEnv> {
  return async function exposeMetrics(c) {
    const text = await metrics.registry.metrics()
    return c.text(text, 200, { 'Content-Type': metrics.registry.contentType })
  }
}
