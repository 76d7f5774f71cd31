import type { Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { createTestApp, postChat, textChunk } from '../../test-support/app-test-kit.ts'
import { GatewayError } from '../errors/gateway-error.ts'
import { defaultPriceTable } from '../observe/cost.ts'
import { closedRecord } from '../../test-support/record-fixtures.ts'
import type { RequestRecord } from '../observe/request-record.ts'
import { createGatewayMetrics } from './gateway-metrics.ts'
import { recordMetricsListener } from './record-metrics.ts'
import { clientClosed } from '../errors/catalogue.ts'

const hello = { model: 'claude', messages: [{ role: 'user', content: 'Hi' }] }
const route = { project: 'team-a/support', route: 'team-a/claude', model: 'claude' }
const requestLabels = { ...route, backend: 'converse', operation: 'chat' }

function feed(...records: RequestRecord[]) {
  const metrics = createGatewayMetrics({ processMetrics: false })
  const listener = recordMetricsListener(metrics.genAi, defaultPriceTable)
  for (const record of records) listener.finished?.(record)
  return metrics
}

/** The value of one series (or a histogram's `_count`/`_sum`), found by name and labels. */
async function value(
  registry: Registry,
  name: string,
  labels: Record<string, string>,
): Promise<number | undefined> {
  for (const metric of await registry.getMetricsAsJSON()) {
    for (const sample of metric.values as {
      metricName?: string
      labels: Record<string, string | number>
      value: number
    }[]) {
      const sampleName = sample.metricName ?? metric.name
      if (sampleName !== name) continue
      if (Object.entries(labels).every(([key, wanted]) => sample.labels[key] === wanted))
        return sample.value
    }
  }
  return undefined
}

describe('record metrics', () => {
  it('counts tokens per type with the route labels', async () => {
    const { registry } = feed(closedRecord())
    const tokens = (tokenType: string) =>
      value(registry, 'gen_ai_client_token_usage_total', {
        ...requestLabels,
        token_type: tokenType,
      })
    expect(await tokens('input')).toBe(1000)
    expect(await tokens('output')).toBe(500)
    expect(await tokens('cached_input')).toBe(2000)
    expect(await tokens('cache_creation_input')).toBe(100)
    expect(await tokens('reasoning')).toBe(50)
  })

  it('observes the duration with an empty error type on success', async () => {
    const { registry } = feed(closedRecord())
    const labels = { ...requestLabels, error_type: '' }
    expect(await value(registry, 'gen_ai_server_request_duration_seconds_count', labels)).toBe(1)
    expect(await value(registry, 'gen_ai_server_request_duration_seconds_sum', labels)).toBeCloseTo(
      1.2,
    )
  })

  it('prices the request with the Sonnet 4 prices of its cross-Region profile', async () => {
    const { registry } = feed(closedRecord())
    // 1000 × $3 + 2000 × $0.30 + 100 × $3.75 + 500 × $15, per million.
    const expected = (3000 + 600 + 375 + 7500) / 1_000_000
    const cost = await value(registry, 'gen_ai_client_cost_usd_total', {
      ...route,
      backend: 'converse',
    })
    expect(cost).toBeCloseTo(expected, 12)
  })

  it('observes the overhead as the time not spent waiting on Bedrock', async () => {
    const { registry } = feed(closedRecord({ upstreamMs: 1150 }))
    const labels = { operation: 'chat', backend: 'converse' }
    expect(await value(registry, 'strata_gateway_overhead_seconds_sum', labels)).toBeCloseTo(0.05)
  })

  it('observes time to first token and per output token for streams only', async () => {
    const json = feed(closedRecord())
    expect(
      await value(json.registry, 'gen_ai_server_time_to_first_token_seconds_count', requestLabels),
    ).toBeUndefined()
    const stream = feed(
      closedRecord({ stream: true, firstTokenAt: 1300, finishedAt: 2298, usage: usageOf(500) }),
    )
    const ttft = 'gen_ai_server_time_to_first_token_seconds_sum'
    expect(await value(stream.registry, ttft, requestLabels)).toBeCloseTo(0.3)
    // 998 ms for the 499 tokens after the first.
    const tpot = 'gen_ai_server_time_per_output_token_seconds_sum'
    expect(await value(stream.registry, tpot, requestLabels)).toBeCloseTo(0.002)
  })

  it('counts an aborted stream as a client_closed error, with its time to first token', async () => {
    const aborted = closedRecord({
      stream: true,
      firstTokenAt: 1100,
      usage: undefined,
      error: clientClosed(new Error('gone')),
    })
    const { registry } = feed(aborted)
    const labels = { ...requestLabels, error_type: 'client_closed' }
    expect(await value(registry, 'strata_gateway_errors_total', labels)).toBe(1)
    expect(await value(registry, 'gen_ai_server_request_duration_seconds_count', labels)).toBe(1)
    expect(
      await value(registry, 'gen_ai_server_time_to_first_token_seconds_count', requestLabels),
    ).toBe(1)
    expect(
      await value(registry, 'gen_ai_server_time_per_output_token_seconds_count', requestLabels),
    ).toBeUndefined()
  })

  it('names errors by their code, and a stream failing after its 200 too', async () => {
    const throttled = new GatewayError(429, 'rate_limit_error', 'slow', {
      code: 'rate_limit_exceeded',
    })
    const broken = new GatewayError(502, 'api_error', 'model failed', { code: 'model_error' })
    const { registry } = feed(
      closedRecord({ status: 429, error: throttled, usage: undefined }),
      closedRecord({ stream: true, status: 200, error: broken }),
    )
    const errors = (errorType: string) =>
      value(registry, 'strata_gateway_errors_total', { ...requestLabels, error_type: errorType })
    expect(await errors('rate_limit_exceeded')).toBe(1)
    expect(await errors('model_error')).toBe(1)
  })

  it('folds an unbounded upstream code into the OpenAI error type', async () => {
    const odd = new GatewayError(400, 'invalid_request_error', 'odd', { code: 'Weird Code 42!' })
    const { registry } = feed(closedRecord({ status: 400, error: odd }))
    expect(
      await value(registry, 'strata_gateway_errors_total', {
        ...requestLabels,
        error_type: 'invalid_request_error',
      }),
    ).toBe(1)
  })

  it('counts a request refused before its operation as an error without route labels', async () => {
    const refused = new GatewayError(401, 'invalid_request_error', 'no key', {
      code: 'invalid_api_key',
    })
    const { registry } = feed(
      closedRecord({
        operation: undefined,
        project: undefined,
        route: undefined,
        model: undefined,
        backend: undefined,
        usage: undefined,
        status: 401,
        error: refused,
      }),
    )
    expect(
      await value(registry, 'strata_gateway_errors_total', {
        project: '',
        operation: 'unknown',
        error_type: 'invalid_api_key',
      }),
    ).toBe(1)
    expect(await value(registry, 'strata_gateway_overhead_seconds_count', {})).toBeUndefined()
  })

  it('counts retries as attempts beyond the first, and fallbacks', async () => {
    const { registry } = feed(closedRecord({ attempts: 3, fallbacks: 1 }), closedRecord())
    const labels = { project: route.project, route: route.route, backend: 'converse' }
    expect(await value(registry, 'strata_gateway_upstream_retries_total', labels)).toBe(2)
    expect(await value(registry, 'strata_gateway_fallbacks_total', labels)).toBe(1)
  })

  it('counts no cost for a model without a price', async () => {
    const backend = {
      kind: 'mantle' as const,
      modelId: 'acme.unknown-model',
      region: 'us-east-1',
      weight: 1,
      priority: 0,
    }
    const { registry } = feed(closedRecord({ backend }))
    expect(await value(registry, 'gen_ai_client_cost_usd_total', {})).toBeUndefined()
  })
})

function usageOf(output: number) {
  return { input: 10, output, cachedInput: 0, cacheCreationInput: 0, reasoning: 0 }
}

describe('record metrics through the app', () => {
  it('counts a stream the client abandons, and one that fails after its start', async () => {
    const { app, backend, deps } = createTestApp()
    backend.script = [textChunk('Hel'), 'hang']
    const abandoned = await postChat(app, { ...hello, stream: true })
    const reader = abandoned.body?.getReader()
    await reader?.read()
    await reader?.cancel()
    backend.script = [
      textChunk('Hel'),
      new GatewayError(502, 'api_error', 'x', { code: 'model_error' }),
    ]
    await (await postChat(app, { ...hello, stream: true })).text()
    const errors = (errorType: string) =>
      value(deps.metrics.registry, 'strata_gateway_errors_total', {
        ...requestLabels,
        error_type: errorType,
      })
    expect(await errors('client_closed')).toBe(1)
    expect(await errors('model_error')).toBe(1)
    const durations = await value(
      deps.metrics.registry,
      'gen_ai_server_time_to_first_token_seconds_count',
      requestLabels,
    )
    expect(durations).toBe(2)
  })
})
