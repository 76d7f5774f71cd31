import { describe, expect, it } from 'vitest'
import {
  formatProject,
  formatUnattributed,
  meanOverheadMs,
  parseExposition,
  summariseProject,
} from './metrics-summary.ts'

const exposition = `# HELP gen_ai_client_token_usage_total Tokens.
# TYPE gen_ai_client_token_usage_total counter
gen_ai_client_token_usage_total{project="a/a",route="a/chat",model="chat",backend="converse",operation="chat",token_type="input"} 4
gen_ai_client_token_usage_total{project="a/a",route="a/fast",model="fast",backend="mantle",operation="chat",token_type="input"} 6
gen_ai_client_token_usage_total{project="a/a",route="a/chat",model="chat",backend="converse",operation="chat",token_type="output"} 5
gen_ai_client_token_usage_total{project="a/a",route="a/chat",model="chat",backend="converse",operation="chat",token_type="reasoning"} 2
gen_ai_client_token_usage_total{project="b/b",route="b/chat",model="chat",backend="converse",operation="chat",token_type="input"} 100
gen_ai_server_request_duration_seconds_bucket{project="a/a",route="a/chat",model="chat",backend="converse",operation="chat",error_type="",le="0.1"} 1
gen_ai_server_request_duration_seconds_sum{project="a/a",route="a/chat",model="chat",backend="converse",operation="chat",error_type=""} 0.03
gen_ai_server_request_duration_seconds_count{project="a/a",route="a/chat",model="chat",backend="converse",operation="chat",error_type=""} 2
gen_ai_server_request_duration_seconds_sum{project="a/a",route="a/chat",model="chat",backend="converse",operation="chat",error_type="429"} 0.01
gen_ai_server_request_duration_seconds_count{project="a/a",route="a/chat",model="chat",backend="converse",operation="chat",error_type="429"} 1
gen_ai_client_cost_usd_total{project="a/a",route="a/chat",model="chat",backend="converse"} 0.000087
gen_ai_client_cost_usd_total{project="a/a",route="a/fast",model="fast",backend="mantle"} 3.6e-7
gen_ai_server_request_duration_seconds_count{project="",route="",model="nope",backend="",operation="chat",error_type="model_not_found"} 1
gen_ai_server_request_duration_seconds_count{model="nope",operation="chat",error_type="model_not_found"} 2
strata_gateway_overhead_seconds_sum{operation="chat",backend="converse"} 0.004
strata_gateway_overhead_seconds_count{operation="chat",backend="converse"} 2
strata_gateway_overhead_seconds_sum{operation="embeddings",backend="mantle"} 0.002
strata_gateway_overhead_seconds_count{operation="embeddings",backend="mantle"} 2
process_cpu_seconds_total 1.5
`

describe('the demo metrics excerpt', () => {
  const samples = parseExposition(exposition)

  it('parses samples with and without labels, skipping comments', () => {
    expect(samples).toHaveLength(19)
    expect(samples.at(-1)).toEqual({ name: 'process_cpu_seconds_total', labels: {}, value: 1.5 })
    expect(samples[0]?.labels['token_type']).toBe('input')
  })

  it('sums one project over routes and backends, never another project', () => {
    expect(summariseProject(samples, 'a/a')).toEqual({
      requests: 3,
      errors: 1,
      errorTypes: { '429': 1 },
      tokens: { input: 10, output: 5, cached_input: 0, cache_creation_input: 0, reasoning: 2 },
      costUsd: 0.000087 + 3.6e-7,
      durationSeconds: 0.04,
    })
    expect(summariseProject(samples, 'b/b').tokens.input).toBe(100)
    expect(summariseProject(samples, 'c/c').requests).toBe(0)
  })

  it('gathers requests refused before a project was known, label empty or absent', () => {
    const unattributed = summariseProject(samples, '')
    expect(unattributed.errorTypes).toEqual({ model_not_found: 3 })
    expect(formatUnattributed(unattributed)).toBe(
      '  without a project label (model lists, requests refused before authentication): ' +
        '3 requests (errors 3: model_not_found 3)',
    )
  })

  it('averages the overhead over every request', () => {
    const { meanMs, count } = meanOverheadMs(samples)
    expect(count).toBe(4)
    expect(meanMs).toBeCloseTo(1.5, 6)
  })

  it('prints requests, tokens by type and cost', () => {
    const text = formatProject('a/a', summariseProject(samples, 'a/a'))
    expect(text).toContain('requests 3 (errors 1: 429 1), mean duration 13.3 ms')
    expect(text).toContain(
      'input 10, output 5, cached_input 0, cache_creation_input 0, reasoning 2',
    )
    expect(text).toContain('$0.00008736')
  })
})
