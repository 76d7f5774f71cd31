// Token counts summed per series between scrapes, and handed to the counter when Prometheus
// scrapes (prom-client's collect hook). prom-client builds and checks a key from the label object
// on every inc, and each request counts five token types: that was 4.6 KiB of garbage per
// request, the largest part of what the metrics allocate, and at a thousand streams what a
// request allocates is paid again in the garbage collector (docs/gateway-performance.md, tenth
// pass). What Prometheus reads is unchanged: every type's series, zeros included, from the first
// scrape after the series' first request.
import type { Counter } from 'prom-client'
import type { RecordLabels } from '../observe/record-labels.ts'
import { TOKEN_TYPES, type TokenUsage } from '../observe/token-usage.ts'

type TokenLabel = keyof RecordLabels | 'token_type'

const fields = Object.keys(TOKEN_TYPES) as (keyof TokenUsage)[]

interface Series {
  labels: RecordLabels
  sums: number[]
}

export interface TokenTally {
  add(labels: RecordLabels, usage: TokenUsage): void
  /** Moves the sums into the counter and forgets them; called before every scrape. */
  flush(counter: Counter<TokenLabel>): void
}

// Each value prefixed with its length, so that no two label sets share a key, whatever they hold.
const part = (value: string): string => `${String(value.length)}:${value}`
const keyOf = ({ project, route, model, backend, operation }: RecordLabels): string =>
  part(project) + part(route) + part(model) + part(backend) + part(operation)

export function tokenTally(): TokenTally {
  const series = new Map<string, Series>()
  return {
    add(labels, usage) {
      const key = keyOf(labels)
      let entry = series.get(key)
      if (entry === undefined) {
        entry = { labels, sums: fields.map(() => 0) }
        series.set(key, entry)
      }
      const { sums } = entry
      fields.forEach((field, index) => {
        sums[index] = (sums[index] ?? 0) + usage[field]
      })
    },
    flush(counter) {
      for (const { labels, sums } of series.values())
        fields.forEach((field, index) => {
          counter.inc({ ...labels, token_type: TOKEN_TYPES[field] }, sums[index] ?? 0)
        })
      series.clear()
    },
  }
}
