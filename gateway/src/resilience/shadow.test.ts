import { routeSchema, type Route } from '@strata/crds'
import { describe, expect, it } from 'vitest'
import type { Logger } from '../app-logger.ts'
import { GatewayError } from '../errors/gateway-error.ts'
import { createGatewayMetrics } from '../metrics/gateway-metrics.ts'
import { createResilience } from './resilience.ts'
import { mirror } from './shadow.ts'

function setup(random: number) {
  const metrics = createGatewayMetrics({ processMetrics: false })
  const lines: { message: string; fields: Record<string, unknown> | undefined }[] = []
  const logger: Logger = {
    info: (message, fields) => lines.push({ message, fields }),
    warn: (message, fields) => lines.push({ message, fields }),
    error: (message, fields) => lines.push({ message, fields }),
  }
  const resilience = createResilience({
    metrics,
    now: () => performance.now(),
    random: () => random,
    logger,
  })
  return { resilience, metrics, lines }
}

const route: Route = routeSchema.parse({
  name: 'chat',
  namespace: 'apps',
  model: 'chat',
  backends: [
    { name: 'stable', kind: 'converse', modelId: 's', region: 'us-east-1' },
    { name: 'candidate', kind: 'mantle', modelId: 'c', region: 'us-east-1', weight: 0 },
  ],
  shadow: { backend: 'candidate', percent: 25 },
  limits: { timeouts: { totalMs: 50 } },
})

const settle = () => new Promise((resolve) => setTimeout(resolve, 80))

async function counted(metrics: ReturnType<typeof createGatewayMetrics>, outcome: string) {
  const text = await metrics.registry.getSingleMetricAsString(
    'strata_gateway_shadow_requests_total',
  )
  const line = text.split('\n').find((l) => l.includes(`outcome="${outcome}"`))
  return line === undefined ? 0 : Number(line.split(' ').at(-1))
}

describe('shadow mirroring', () => {
  it('returns at once, sends outside the sample never, and counts each outcome', async () => {
    const sampled = setup(0.1)
    const sent: string[] = []
    const fail = () => Promise.reject(new GatewayError(500, 'server_error', 'broken'))
    mirror(sampled.resilience, {
      route,
      implemented: () => true,
      send: (backend) => {
        sent.push(backend.name ?? '')
        return fail()
      },
    })
    expect(sent).toEqual([])
    mirror(sampled.resilience, { route, implemented: () => true, send: () => Promise.resolve() })
    mirror(sampled.resilience, {
      route,
      implemented: () => true,
      send: (_backend, signal) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            reject(new Error('aborted'))
          })
        }),
    })
    await settle()
    expect(sent).toEqual(['candidate'])
    expect(await counted(sampled.metrics, 'error')).toBe(1)
    expect(await counted(sampled.metrics, 'success')).toBe(1)
    expect(await counted(sampled.metrics, 'timeout')).toBe(1)
    expect(sampled.lines.filter((l) => l.message === 'shadow request finished')).toHaveLength(3)

    const outside = setup(0.3)
    mirror(outside.resilience, {
      route,
      implemented: () => true,
      send: () => {
        throw new Error('must not be called')
      },
    })
    await settle()
    expect(await counted(outside.metrics, 'error')).toBe(0)
  })

  it('swallows a send that throws synchronously', async () => {
    const { resilience, metrics } = setup(0)
    mirror(resilience, {
      route,
      implemented: () => true,
      send: () => {
        throw new Error('boom')
      },
    })
    await settle()
    expect(await counted(metrics, 'error')).toBe(1)
  })
})
