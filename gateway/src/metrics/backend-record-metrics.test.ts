import type { Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { closedRecord } from '../../test-support/record-fixtures.ts'
import { malformedOutputError } from '../translators/openai-to-converse/finish-reason.ts'
import { defaultPriceTable } from '../observe/cost.ts'
import type { RequestRecord } from '../observe/request-record.ts'
import { backendNameOf, backendRecordListener } from './backend-record-metrics.ts'
import { createGatewayMetrics } from './gateway-metrics.ts'

function feed(...records: RequestRecord[]) {
  const metrics = createGatewayMetrics({ processMetrics: false })
  const listener = backendRecordListener(metrics.backends, defaultPriceTable)
  for (const record of records) listener.finished?.(record)
  return metrics.registry
}

async function value(registry: Registry, name: string, labels: Record<string, string>) {
  for (const metric of await registry.getMetricsAsJSON())
    for (const sample of metric.values as {
      metricName?: string
      labels: Record<string, string | number>
      value: number
    }[]) {
      if ((sample.metricName ?? metric.name) !== name) continue
      if (Object.entries(labels).every(([key, wanted]) => sample.labels[key] === wanted))
        return sample.value
    }
  return undefined
}

describe('backend record metrics', () => {
  const record = closedRecord()
  const route = `${record.route?.namespace ?? ''}/${record.route?.name ?? ''}`
  const name = backendNameOf(record) ?? ''

  it('names an unnamed backend by its position in the route', () => {
    expect(record.backend?.name ?? '0').toBe(name)
    const backend = record.route?.backends[0]
    if (!backend) throw new Error('the test table has no backend')
    const named = { ...backend, name: 'candidate' }
    const route = record.route ? { ...record.route, backends: [named] } : undefined
    expect(backendNameOf(closedRecord({ route, backend: named }))).toBe('candidate')
  })

  it('counts requests, cost and successful durations per backend name', async () => {
    const registry = feed(record, closedRecord({ status: 500 }))
    const labels = { route, backend_name: name }
    expect(await value(registry, 'strata_gateway_backend_requests_total', labels)).toBe(2)
    expect(
      await value(registry, 'strata_gateway_backend_request_duration_seconds_count', labels),
    ).toBe(1)
    expect(await value(registry, 'strata_gateway_backend_cost_usd_total', labels)).toBeGreaterThan(
      0,
    )
  })

  it('counts malformed stop reasons that end a started stream, with zero series from the first request', async () => {
    const malformed = closedRecord({
      stream: true,
      error: malformedOutputError('malformed_tool_use'),
    })
    // Before the first byte, the attempt counter has it; here it would be counted twice.
    const early = closedRecord({
      stream: true,
      firstTokenAt: undefined,
      error: malformedOutputError('malformed_tool_use'),
    })
    const registry = feed(record, malformed, early)
    const series = (stopReason: string) =>
      value(registry, 'strata_gateway_backend_stop_reasons_total', {
        route,
        backend_name: name,
        stop_reason: stopReason,
      })
    expect(await series('malformed_tool_use')).toBe(1)
    expect(await series('malformed_model_output')).toBe(0)
  })

  it('counts every answer a full context window ended, streamed or not, and no other stop', async () => {
    const series = (registry: Registry, stopReason: string) =>
      value(registry, 'strata_gateway_backend_stop_reasons_total', {
        route,
        backend_name: name,
        stop_reason: stopReason,
      })
    // The series exists at zero from the first request, so rate() sees the first increment.
    expect(await series(feed(record), 'model_context_window_exceeded')).toBe(0)
    const registry = feed(
      closedRecord({ stopReason: 'model_context_window_exceeded' }),
      closedRecord({ stopReason: 'model_context_window_exceeded', stream: true }),
      closedRecord({ stopReason: 'max_tokens' }),
      closedRecord({ stopReason: 'length' }),
    )
    expect(await series(registry, 'model_context_window_exceeded')).toBe(2)
    expect(await series(registry, 'max_tokens')).toBeUndefined()
    expect(await series(registry, 'length')).toBeUndefined()
  })

  it('observes time to first token for streams only', async () => {
    const registry = feed(record, closedRecord({ stream: true }))
    expect(
      await value(registry, 'strata_gateway_backend_time_to_first_token_seconds_count', {
        route,
        backend_name: name,
      }),
    ).toBe(1)
  })
})
