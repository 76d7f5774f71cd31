// The Node flags the chart gives strata-gateway (charts/strata/values.yaml `gateway.maxHeapMiB`,
// which the Deployment turns into NODE_OPTIONS), so that the benchmark measures the gateway's
// memory as it is deployed rather than with V8's default, lazily grown heap.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parse } from 'yaml'
import { z } from 'zod'

const valuesSchema = z
  .object({
    gateway: z.object({ maxHeapMiB: z.number().int().positive() }).loose(),
  })
  .loose()

export async function chartGatewayNodeOptions(repoRoot: string): Promise<string[]> {
  const text = await readFile(join(repoRoot, 'charts/strata/values.yaml'), 'utf8')
  const values = valuesSchema.parse(parse(text))
  return [`--max-old-space-size=${String(values.gateway.maxHeapMiB)}`]
}
