// `node test/layering/check-layers.ts`, run by `make check`: the gateway's folders import only
// downwards, in the order of gateway-layers.ts, and no folders import each other in a circle.
// Tests beside the code are left out; only product code is held to the order.
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { crossNodeEdges, importCycles, layerFindings } from './import-graph.ts'
import { gatewayForbiddenPackages, gatewayLayers } from './gateway-layers.ts'

/** What is wrong with gateway/src today, one line each; empty when it keeps the order. */
export function gatewayLayerProblems(
  root = resolve(import.meta.dirname, '../../gateway/src'),
): string[] {
  const files = new Map<string, string>()
  for (const entry of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
    if (!entry.endsWith('.ts') || entry.endsWith('.test.ts')) continue
    files.set(entry.split('\\').join('/'), readFileSync(join(root, entry), 'utf8'))
  }
  const findings = layerFindings(files, gatewayLayers, gatewayForbiddenPackages)
  const cycles = importCycles(crossNodeEdges(files))
  return [
    ...findings.map(({ file, message }) => `gateway/src/${file}: ${message}`),
    ...cycles.map((cycle) => `gateway/src: folders in an import cycle: ${cycle.join(' ')}`),
  ]
}

if (import.meta.main) {
  const problems = gatewayLayerProblems()
  for (const problem of problems) console.error(problem)
  if (problems.length > 0) {
    console.error('the layers are described in docs/architecture.md, "Folder layering"')
    process.exit(1)
  }
}
