// Instant queries against Prometheus's HTTP API (GET /api/v1/query), the one place the rollout
// controller does I/O for its gates. On EKS the Prometheus is often Amazon Managed Service for
// Prometheus, whose query API is the same under a workspace path but takes only SigV4-signed
// requests (service `aps`, permission aps:QueryMetrics); such an address is recognised by its host
// and signed with the operator's own AWS credentials. References:
// https://prometheus.io/docs/prometheus/latest/querying/api/#instant-queries
// https://docs.aws.amazon.com/prometheus/latest/userguide/AMP-onboard-query-APIs.html
import type { RequestSigner } from '@strata/aws-signing'
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

/** The region of an Amazon Managed Service for Prometheus address, undefined for any other. */
export function managedPrometheusRegion(baseUrl: string): string | undefined {
  const host = URL.canParse(baseUrl) ? new URL(baseUrl).hostname : ''
  return /^aps-workspaces\.([a-z0-9-]+)\.amazonaws\.com$/.exec(host)?.[1]
}

export interface PrometheusClientOptions {
  timeoutMs?: number
  /** Signs each query (Amazon Managed Service for Prometheus), in this region. */
  signing?: { signer: RequestSigner; region: string }
}

export function prometheusClient(
  baseUrl: string,
  options: PrometheusClientOptions = {},
): PrometheusClient {
  const base = baseUrl.replace(/\/+$/, '')
  const { timeoutMs = 5000, signing } = options
  const headersFor = async (url: URL): Promise<Record<string, string>> =>
    signing === undefined
      ? {}
      : signing.signer.sign({ method: 'GET', url, headers: {}, body: '', region: signing.region })
  return {
    async value(query) {
      const url = new URL(`${base}/api/v1/query?query=${encodeURIComponent(query)}`)
      let response: Response
      try {
        response = await fetch(url, {
          headers: await headersFor(url),
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
