// The Node flags the chart gives strata-gateway (charts/strata/values.yaml `gateway.maxHeapMiB` and
// `gateway.maxSemiSpaceMiB`, which the Deployment turns into NODE_OPTIONS), so that the benchmark
// measures the gateway's memory and CPU as deployed rather than with V8's default heap sizing.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parse } from 'yaml'
import { z } from 'zod'

const valuesSchema = z
  .object({
    gateway: z
      .object({
        maxHeapMiB: z.number().int().nonnegative(),
        maxSemiSpaceMiB: z.number().int().nonnegative(),
      })
      .loose(),
  })
  .loose()

export async function chartGatewayNodeOptions(repoRoot: string): Promise<string[]> {
  const text = await readFile(join(repoRoot, 'charts/strata/values.yaml'), 'utf8')
  const values = valuesSchema.parse(parse(text))
  const { maxHeapMiB, maxSemiSpaceMiB } = values.gateway
  return [
    ...(maxHeapMiB > 0 ? [`--max-old-space-size=${String(maxHeapMiB)}`] : []),
    ...(maxSemiSpaceMiB > 0 ? [`--max-semi-space-size=${String(maxSemiSpaceMiB)}`] : []),
  ]
}
