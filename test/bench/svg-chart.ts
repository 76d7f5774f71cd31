// A horizontal bar chart as a self-contained SVG, drawn by hand so the benchmark needs no
// plotting library: one panel per figure, one bar per target, Strata's bars highlighted.

export interface Bar {
  label: string
  value: number
  highlight?: boolean
}

export interface Panel {
  title: string
  unit: string
  bars: Bar[]
}

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

const labelWidth = 230
const barArea = 360
const rowHeight = 22
const panelGap = 40

function format(value: number): string {
  if (!Number.isFinite(value)) return 'n/a'
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(2)
}

function panelSvg(panel: Panel, top: number): string {
  const finite = panel.bars.map((b) => b.value).filter((v) => Number.isFinite(v))
  const largest = Math.max(1e-9, ...finite)
  const rows = panel.bars.map((bar, index) => {
    const y = top + 24 + index * rowHeight
    const width = Number.isFinite(bar.value) ? Math.max(1, (bar.value / largest) * barArea) : 0
    const fill = bar.highlight === true ? '#d9480f' : '#868e96'
    return [
      `<text x="${String(labelWidth - 8)}" y="${String(y + 15)}" text-anchor="end">${escape(bar.label)}</text>`,
      `<rect x="${String(labelWidth)}" y="${String(y + 3)}" width="${width.toFixed(1)}" height="${String(rowHeight - 6)}" fill="${fill}"/>`,
      `<text x="${(labelWidth + width + 6).toFixed(1)}" y="${String(y + 15)}">${escape(format(bar.value))}</text>`,
    ].join('')
  })
  const title = `<text x="0" y="${String(top + 14)}" font-weight="bold">${escape(panel.title)} (${escape(panel.unit)})</text>`
  return title + rows.join('')
}

export function barChart(panels: Panel[]): string {
  let top = 10
  const parts: string[] = []
  for (const panel of panels) {
    parts.push(panelSvg(panel, top))
    top += 24 + panel.bars.length * rowHeight + panelGap
  }
  const width = labelWidth + barArea + 90
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${String(width)}" height="${String(top)}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
${parts.join('\n')}
</svg>
`
}
