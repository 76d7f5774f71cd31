import { rolloutGatesSchema } from '@strata/crds'
import { describe, expect, it } from 'vitest'
import { gateQuery, sampleQuery, windowSecondsOf } from './gate-queries.ts'
import { describeGate, gateVerdicts } from './gate-verdicts.ts'

const gates = rolloutGatesSchema.parse({
  errorRate: { maxIncreasePercent: 5 },
  timeToFirstToken: { maxRatio: 1.5 },
  costPerRequest: { maxRatio: 1.5 },
})
const enough = { candidate: 100, stable: 300 }

describe('gateVerdicts', () => {
  it('compares ratios for latency and cost and percentage points for error shares', () => {
    const results = gateVerdicts(
      gates,
      {
        samples: enough,
        gates: {
          errorRate: { candidate: 4, stable: 0 },
          timeToFirstToken: { candidate: 0.9, stable: 0.3 },
          costPerRequest: { candidate: 0.002, stable: 0.001 },
        },
      },
      20,
    )
    expect(results.map((r) => [r.gate, r.verdict])).toEqual([
      ['errorRate', 'Pass'],
      ['timeToFirstToken', 'Fail'],
      ['costPerRequest', 'Fail'],
    ])
    const ttft = results[1]
    if (!ttft) throw new Error('no second gate')
    expect(describeGate(ttft)).toBe('timeToFirstToken 0.9 vs 0.3 (max ×1.5)')
  })

  it('says NoData when a side has too few requests or no value', () => {
    const few = gateVerdicts(gates, { samples: { candidate: 3, stable: 300 }, gates: {} }, 20)
    expect(few.every((r) => r.verdict === 'NoData')).toBe(true)
    const missing = gateVerdicts(
      gates,
      { samples: enough, gates: { errorRate: { candidate: 0, stable: undefined } } },
      20,
    )
    expect(missing[0]).toMatchObject({ gate: 'errorRate', verdict: 'NoData', candidate: 0 })
  })

  it('fails a costly candidate against a free stable side rather than dividing by zero', () => {
    const [cost] = gateVerdicts(
      { costPerRequest: { maxRatio: 2 } },
      { samples: enough, gates: { costPerRequest: { candidate: 0.01, stable: 0 } } },
      20,
    )
    expect(cost?.verdict).toBe('Fail')
  })
})

describe('gate queries', () => {
  const side = { route: 'team/chat', backend: 'sonnet-4-6' }
  it('select one backend of one route over the window', () => {
    expect(sampleQuery(side, 30)).toBe(
      'sum(increase(strata_gateway_backend_attempts_total{route="team/chat",backend_name="sonnet-4-6"}[30s]))',
    )
    expect(gateQuery('duration', side, 30)).toContain(
      'histogram_quantile(0.95, sum by (le) (rate(strata_gateway_backend_request_duration_seconds_bucket{route="team/chat",backend_name="sonnet-4-6"}[30s])))',
    )
    expect(gateQuery('errorRate', side, 30)).toContain('outcome="failure"')
  })

  it('count both refused long inputs and answers that filled the window as context overflow', () => {
    const selector = 'route="team/chat",backend_name="sonnet-4-6"'
    expect(gateQuery('contextOverflow', side, 30)).toBe(
      `100 * ((sum(increase(strata_gateway_backend_attempts_total{${selector},outcome="context_overflow"}[30s])) or vector(0))` +
        ` + (sum(increase(strata_gateway_backend_stop_reasons_total{${selector},stop_reason="model_context_window_exceeded"}[30s])) or vector(0)))` +
        ` / sum(increase(strata_gateway_backend_attempts_total{${selector}}[30s]))`,
    )
  })

  it('default the window to twice the interval, at least 30 s', () => {
    const base = {
      stable: 'a',
      candidate: 'b',
      steps: [],
      minimumRequests: 1,
      gates,
      onFailure: 'Rollback' as const,
    }
    expect(windowSecondsOf({ ...base, intervalSeconds: 5 })).toBe(30)
    expect(windowSecondsOf({ ...base, intervalSeconds: 60 })).toBe(120)
    expect(windowSecondsOf({ ...base, intervalSeconds: 5, windowSeconds: 10 })).toBe(10)
  })
})
