// The demo's metrics excerpt: what a platform team reads off the gateway's /metrics per project
// (requests, tokens by type, cost), summed over routes, models and backends. Pure: text in, text
// out, so the unit test beside it checks the sums on a fixed exposition.

export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

const SAMPLE = /^([A-Za-z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g

/** The samples of a Prometheus text exposition; comments and blank lines are skipped. */
export function parseExposition(text: string): Sample[] {
  const samples: Sample[] = []
  for (const line of text.split('\n')) {
    const match = SAMPLE.exec(line)
    if (!match || line.startsWith('#')) continue
    const labels: Record<string, string> = {}
    for (const [, key, value] of (match[2] ?? '').matchAll(LABEL))
      if (key !== undefined) labels[key] = value ?? ''
    samples.push({ name: match[1] ?? '', labels, value: Number(match[3]) })
  }
  return samples
}

export const TOKEN_TYPES = [
  'input',
  'output',
  'cached_input',
  'cache_creation_input',
  'reasoning',
] as const

export interface ProjectSummary {
  requests: number
  errors: number
  /** Failed requests by error_type. */
  errorTypes: Record<string, number>
  tokens: Record<(typeof TOKEN_TYPES)[number], number>
  costUsd: number
  /** Seconds, summed over every request of the project (histogram _sum). */
  durationSeconds: number
}

/** One project's sums; project '' gathers requests refused before a project was known. */
export function summariseProject(samples: Sample[], project: string): ProjectSummary {
  const mine = samples.filter((sample) => (sample.labels['project'] ?? '') === project)
  const total = (name: string, where: (labels: Record<string, string>) => boolean = () => true) =>
    mine
      .filter((sample) => sample.name === name && where(sample.labels))
      .reduce((sum, sample) => sum + sample.value, 0)
  const tokens = Object.fromEntries(
    TOKEN_TYPES.map((type) => [
      type,
      total('gen_ai_client_token_usage_total', (labels) => labels['token_type'] === type),
    ]),
  ) as ProjectSummary['tokens']
  const errorTypes: Record<string, number> = {}
  for (const sample of mine)
    if (sample.name === 'gen_ai_server_request_duration_seconds_count' && sample.value > 0) {
      const type = sample.labels['error_type'] ?? ''
      if (type !== '') errorTypes[type] = (errorTypes[type] ?? 0) + sample.value
    }
  return {
    requests: total('gen_ai_server_request_duration_seconds_count'),
    errors: Object.values(errorTypes).reduce((sum, count) => sum + count, 0),
    errorTypes,
    tokens,
    costUsd: total('gen_ai_client_cost_usd_total'),
    durationSeconds: total('gen_ai_server_request_duration_seconds_sum'),
  }
}

/** Mean gateway overhead over every request, from strata_gateway_overhead_seconds. */
export function meanOverheadMs(samples: Sample[]): { meanMs: number; count: number } {
  const sum = (name: string) =>
    samples.filter((s) => s.name === name).reduce((total, s) => total + s.value, 0)
  const count = sum('strata_gateway_overhead_seconds_count')
  return {
    meanMs: count > 0 ? (sum('strata_gateway_overhead_seconds_sum') / count) * 1000 : 0,
    count,
  }
}

export function formatProject(project: string, summary: ProjectSummary): string {
  const tokens = TOKEN_TYPES.map((type) => `${type} ${String(summary.tokens[type])}`).join(', ')
  const meanMs = summary.requests > 0 ? (summary.durationSeconds / summary.requests) * 1000 : 0
  const errors = Object.entries(summary.errorTypes)
    .map(([type, count]) => `${type} ${String(count)}`)
    .join(', ')
  return [
    `  project ${project}`,
    `    requests ${String(summary.requests)} (errors ${String(summary.errors)}${errors === '' ? '' : `: ${errors}`}), mean duration ${meanMs.toFixed(1)} ms`,
    `    tokens   ${tokens}`,
    `    cost     $${summary.costUsd.toFixed(8)} (gen_ai_client_cost_usd_total)`,
  ].join('\n')
}

/** The /v1 requests no project was named for: model lists and refusals before a route was chosen. */
export function formatUnattributed(summary: ProjectSummary): string {
  const errors = Object.entries(summary.errorTypes)
    .map(([type, count]) => `${type} ${String(count)}`)
    .join(', ')
  return (
    `  without a project label (model lists, requests refused before authentication): ` +
    `${String(summary.requests)} requests (errors ${String(summary.errors)}${errors === '' ? '' : `: ${errors}`})`
  )
}
