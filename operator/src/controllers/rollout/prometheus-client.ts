// Instant queries against Prometheus's HTTP API (GET /api/v1/query), the one place the rollout
// controller does I/O for its gates. Reference:
// https://prometheus.io/docs/prometheus/latest/querying/api/#instant-queries
import { z } from 'zod'

const answerSchema = z.object({
  status: z.enum(['success', 'error']),
  error: z.string().optional(),
  data: z
    .object({
      resultType: z.string(),
      result: z.array(z.object({ value: z.tuple([z.number(), z.string()]) })),
    })
    .optional(),
})

export interface PrometheusClient {
  /** The value of a query that yields one sample; undefined for an empty vector or NaN. */
  value(query: string): Promise<number | undefined>
}

export class PrometheusError extends Error {
  override readonly name = 'PrometheusError'
}

export function prometheusClient(baseUrl: string, timeoutMs = 5000): PrometheusClient {
  const base = baseUrl.replace(/\/+$/, '')
  return {
    async value(query) {
      let response: Response
      try {
        response = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(query)}`, {
          signal: AbortSignal.timeout(timeoutMs),
        })
      } catch (error) {
        const cause = error instanceof Error ? error.message : String(error)
        throw new PrometheusError(`Prometheus at ${base} cannot be reached: ${cause}`)
      }
      const text = await response.text()
      let parsed: z.infer<typeof answerSchema>
      try {
        parsed = answerSchema.parse(JSON.parse(text))
      } catch {
        throw new PrometheusError(
          `Prometheus at ${base} answered ${String(response.status)} with something that is not a query result: ${text.slice(0, 200)}`,
        )
      }
      if (parsed.status === 'error' || !parsed.data)
        throw new PrometheusError(
          `Prometheus refused the query: ${parsed.error ?? text.slice(0, 200)}`,
        )
      const first = parsed.data.result[0]
      if (first === undefined) return undefined
      const value = Number(first.value[1])
      return Number.isFinite(value) ? value : undefined
    },
  }
}
