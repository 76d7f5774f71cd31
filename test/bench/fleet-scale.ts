// `make bench` (fleet): the operator at the size of a real platform, on the real control plane
// with the chart's Node flags: STRATA_BENCH_PROJECTS projects (default 100) and
// STRATA_BENCH_FLEET_ROUTES routes (default 5,000; QUICK: 2,000). Prints the figures issue 19 asks
// for and writes docs/benchmarks-fleet.md.
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { startControlPlane } from '../control-plane/control-plane.ts'
import { installCrds } from '../support/crds.ts'
import { runFleet } from '../support/fleet-scenario.ts'
import { kubeConfigFrom } from '../support/kube.ts'
import { makeWorkDirectory } from '../support/processes.ts'
import {
  chartOperatorEnv,
  chartOperatorMemoryLimitMiB,
  chartOperatorNodeOptions,
} from './chart-node-options.ts'
import { summarize } from './stats.ts'

const quick = process.env['STRATA_BENCH_QUICK'] === '1'
const projects = Number(process.env['STRATA_BENCH_PROJECTS'] ?? 100)
const routes = Number(process.env['STRATA_BENCH_FLEET_ROUTES'] ?? (quick ? 2_000 : 5_000))
const repoRoot = new URL('../../', import.meta.url).pathname
// STRATA_BENCH_OPERATOR_NODE_OPTIONS='' measures with V8's defaults, for comparison.
const given = process.env['STRATA_BENCH_OPERATOR_NODE_OPTIONS']
const nodeOptions =
  given === undefined ? await chartOperatorNodeOptions(repoRoot) : given.split(' ').filter(Boolean)
const limitMiB = await chartOperatorMemoryLimitMiB(repoRoot)
const log = (line: string) => process.stderr.write(`[bench fleet] ${line}\n`)
const ms = (value: number) => value.toFixed(0)

const plane = await startControlPlane()
try {
  const config = kubeConfigFrom(plane.kubeconfig)
  await installCrds(config)
  const figures = await runFleet({
    config,
    kubeconfig: plane.kubeconfig,
    workDirectory: await makeWorkDirectory('bench-fleet'),
    projects,
    routes,
    nodeOptions,
    env: given === undefined ? chartOperatorEnv : {},
    edits: 20,
    log,
  })
  const edits = summarize(figures.editToServedMs)
  const table = `
Fleet: ${String(projects)} BedrockProjects, ${String(routes)} ModelRoutes over 10 namespaces (half with one Converse model, half with two); operator with NODE_OPTIONS \`${nodeOptions.join(' ') || '(none)'}\`${given === undefined ? ' and MALLOC_ARENA_MAX=2 as the chart sets them' : ''}, chart memory limit ${String(limitMiB)} MiB

| what | figure |
|---|---|
| ${String(projects)} projects created → all Ready | ${ms(figures.projectsReadyMs)} ms |
| ${String(routes)} routes created (16 in flight) | ${ms(figures.routesCreatedMs)} ms |
| last route applied → every route Ready and in the table | ${ms(figures.lastApplyToServedMs)} ms |
| one unrelated route added: status writes on the other ${String(routes)} routes | ${String(figures.unrelatedWritesOnOthers)} |
| one unrelated route added: ModelRoute status writes in all | ${String(figures.unrelatedWritesTotal)} |
| one unrelated route added: apply → in the table / operator CPU | ${ms(figures.unrelatedServedMs)} ms / ${figures.unrelatedOperatorCpuSeconds.toFixed(2)} s |
| route edit → served by the gateway (${String(figures.editToServedMs.length)} edits) | p50 ${ms(edits.p50)} ms, max ${ms(edits.max)} ms |
| operator RSS idle / at the end / peak | ${ms(figures.operatorIdleRssMiB)} / ${ms(figures.operatorRssMiB)} / ${ms(figures.operatorPeakRssMiB)} MiB (limit ${String(limitMiB)} MiB) |
| operator V8 heap used / allocated, off-heap (external) at the end | ${ms(figures.heapUsedMiB)} / ${ms(figures.heapTotalMiB)} MiB, ${ms(figures.externalMiB)} MiB |
| operator CPU for the whole run | ${figures.operatorCpuSeconds.toFixed(1)} s |
| Bedrock control calls per project (projects, profiles, tags) / GetProject per project | ${figures.bedrockCallsPerProject.toFixed(1)} / ${figures.getProjectCallsPerProject.toFixed(1)} |
`
  process.stdout.write(table)
  const output = process.env['STRATA_BENCH_OUTPUT'] ?? join(repoRoot, 'docs')
  await writeFile(
    join(output, 'benchmarks-fleet.md'),
    `# Benchmarks: the operator at fleet scale\n\nWritten by \`make bench\` (\`test/bench/fleet-scale.ts\`, ${new Date().toISOString()}${quick ? ', quick run' : ''}); do not edit by hand. Goals of issue 19: no status write on routes an unrelated change does not affect; 5,000 routes across 100 projects within the chart's memory limit.\n${table}`,
  )
} finally {
  await plane.stop()
}
