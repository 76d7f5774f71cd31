// The Node flags the chart gives strata-gateway and strata-operator (charts/strata/values.yaml
// `<component>.maxHeapMiB` and `<component>.maxSemiSpaceMiB`, which each Deployment turns into
// NODE_OPTIONS), the gateway's in-flight bound and the operator's memory limit, so that
// benchmarks measure the programs as deployed rather than with V8's default heap sizing.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parse } from 'yaml'
import { z } from 'zod'

const nodeSchema = z
  .object({
    maxHeapMiB: z.number().int().nonnegative(),
    maxSemiSpaceMiB: z.number().int().nonnegative(),
  })
  .loose()

const valuesSchema = z
  .object({
    gateway: nodeSchema.extend({ maxInFlightRequests: z.number().int().nonnegative() }),
    operator: nodeSchema.extend({
      resources: z.object({ limits: z.object({ memory: z.string() }).loose() }).loose(),
    }),
  })
  .loose()

async function chartValues(repoRoot: string) {
  const text = await readFile(join(repoRoot, 'charts/strata/values.yaml'), 'utf8')
  return valuesSchema.parse(parse(text))
}

function nodeOptions({ maxHeapMiB, maxSemiSpaceMiB }: z.infer<typeof nodeSchema>): string[] {
  return [
    ...(maxHeapMiB > 0 ? [`--max-old-space-size=${String(maxHeapMiB)}`] : []),
    ...(maxSemiSpaceMiB > 0 ? [`--max-semi-space-size=${String(maxSemiSpaceMiB)}`] : []),
  ]
}

export async function chartGatewayNodeOptions(repoRoot: string): Promise<string[]> {
  return nodeOptions((await chartValues(repoRoot)).gateway)
}

export async function chartOperatorNodeOptions(repoRoot: string): Promise<string[]> {
  return nodeOptions((await chartValues(repoRoot)).operator)
}

/** Environment the operator's Deployment sets besides NODE_OPTIONS (operator-deployment.yaml). */
export const chartOperatorEnv: NodeJS.ProcessEnv = { MALLOC_ARENA_MAX: '2' }

/** The operator container's memory limit from the chart, in MiB (e.g. 256Mi → 256). */
export async function chartOperatorMemoryLimitMiB(repoRoot: string): Promise<number> {
  const limit = (await chartValues(repoRoot)).operator.resources.limits.memory
  const match = /^(\d+)(Mi|Gi)$/.exec(limit)
  if (!match) throw new Error(`operator.resources.limits.memory ${limit} is not in Mi or Gi`)
  return Number(match[1]) * (match[2] === 'Gi' ? 1024 : 1)
}

/** The gateway's --max-in-flight as the chart sets it (gateway.maxInFlightRequests). */
export async function chartGatewayMaxInFlight(repoRoot: string): Promise<number> {
  return (await chartValues(repoRoot)).gateway.maxInFlightRequests
}
