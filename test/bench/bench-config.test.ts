import { describe, expect, it } from 'vitest'
import { benchConfig } from './bench-config.ts'

describe('bench configuration', () => {
  it('has a bounded full run and a short quick run', () => {
    const full = benchConfig({}, '/repo/')
    expect(full).toMatchObject({ rounds: 3, rates: [200, 500, 1000], streams: [100, 1000] })
    expect(full.output).toBe('/repo/docs')
    const quick = benchConfig({ STRATA_BENCH_QUICK: '1' }, '/repo/')
    expect(quick).toMatchObject({ quick: true, rounds: 1, seconds: 2, rates: [500] })
  })

  it('reads overrides and names a bad one', () => {
    const config = benchConfig(
      {
        STRATA_BENCH_SECONDS: '2',
        STRATA_BENCH_RATES: '100, 300',
        STRATA_BENCH_TARGETS: 'strata-converse',
      },
      '/',
    )
    expect(config).toMatchObject({ seconds: 2, rates: [100, 300], targets: ['strata-converse'] })
    expect(() => benchConfig({ STRATA_BENCH_ROUNDS: 'many' }, '/')).toThrow(/STRATA_BENCH_ROUNDS/)
  })
})
