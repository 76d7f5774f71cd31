// The operator at fleet scale, in `make test`: 100 BedrockProjects and 2,000 ModelRoutes on the
// real control plane (the same scenario `make bench` runs at 5,000 routes), with the chart's Node
// flags. Counts are asserted; times and memory are printed (docs/benchmarks-fleet.md has the
// benchmark's figures), except that the operator must stay within the chart's memory limit.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { rm } from 'node:fs/promises'
import {
  chartOperatorEnv,
  chartOperatorMemoryLimitMiB,
  chartOperatorNodeOptions,
} from '../bench/chart-node-options.ts'
import { installCrds } from '../support/crds.ts'
import { runFleet, type FleetFigures } from '../support/fleet-scenario.ts'
import { kubeConfigFrom } from '../support/kube.ts'
import { makeWorkDirectory } from '../support/processes.ts'

const kubeconfig = inject('kubeconfig')
const config = kubeConfigFrom(kubeconfig)
const repoRoot = new URL('../../', import.meta.url).pathname
const projects = 100
const routes = 2_000
let workDirectory = ''
let figures: FleetFigures

beforeAll(async () => {
  await installCrds(config)
  workDirectory = await makeWorkDirectory('fleet-scale')
  figures = await runFleet({
    config,
    kubeconfig,
    workDirectory,
    projects,
    routes,
    nodeOptions: await chartOperatorNodeOptions(repoRoot),
    env: chartOperatorEnv,
    edits: 5,
    log: (line) => process.stdout.write(`[fleet] ${line}\n`),
  })
  process.stdout.write(`[fleet] ${JSON.stringify(figures)}\n`)
}, 900_000)

afterAll(async () => {
  await rm(workDirectory, { recursive: true, force: true })
})

describe(`the operator with ${String(projects)} projects and ${String(routes)} routes`, () => {
  it('serves every route (the scenario waits for each to be Ready and in the table)', () => {
    expect(figures.lastApplyToServedMs).toBeGreaterThan(0)
  })

  it('writes no status to the other routes when one unrelated route is added', () => {
    expect(figures.unrelatedWritesOnOthers).toBe(0)
    expect(figures.unrelatedWritesTotal).toBeLessThanOrEqual(1)
  })

  it('makes a bounded number of Bedrock calls per project, whatever the number of routes', () => {
    // Create or adopt (list, create), one GetProject per reconcile, per profile a list, a create
    // and a tag read on the next reconcile: about 7 for 2 models.
    expect(figures.bedrockCallsPerProject).toBeLessThanOrEqual(10)
  })

  it("stays within the chart's memory limit", async () => {
    expect(figures.operatorPeakRssMiB).toBeLessThan(await chartOperatorMemoryLimitMiB(repoRoot))
  })
})
