import { describe, expect, it } from 'vitest'
import { barChart } from './svg-chart.ts'

describe('SVG bar chart', () => {
  it('draws one bar per target, scaled to the largest, and escapes labels', () => {
    const svg = barChart([
      {
        title: 'Max throughput',
        unit: 'req/s',
        bars: [
          { label: 'Strata <converse>', value: 4000, highlight: true },
          { label: 'peer', value: 2000 },
          { label: 'missing', value: Number.NaN },
        ],
      },
    ])
    expect(svg.startsWith('<svg')).toBe(true)
    expect(svg).toContain('Strata &lt;converse&gt;')
    expect(svg).toContain('width="360.0"')
    expect(svg).toContain('width="180.0"')
    expect(svg).toContain('>n/a<')
    expect(svg).toContain('#d9480f')
  })
})
