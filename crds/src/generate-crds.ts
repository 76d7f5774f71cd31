// Writes the CRD YAML generated from the zod schemas, the same CRDs as Helm templates into
// charts/strata, and the chart's named templates for the API's names (chart-names.ts). `make check` reruns this and fails when the committed files differ, so the
// schemas stay the one source of truth.
// Usage: node crds/src/generate-crds.ts
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CHART_CRD_DIRECTORY, chartCrdTemplate } from './chart-crd-templates.ts'
import { CHART_NAMES_FILE, chartNamesTemplate } from './chart-names.ts'
import { renderCustomResourceDefinitions } from './custom-resource-definitions.ts'

const repoRoot = join(import.meta.dirname, '..', '..')
// Every directory that receives a copy of the CRDs, with how each copy is written.
const outputs = [
  { directory: join(repoRoot, 'crds', 'generated'), render: (content: string) => content },
  { directory: join(repoRoot, CHART_CRD_DIRECTORY), render: chartCrdTemplate },
]

for (const { directory, render } of outputs) {
  mkdirSync(directory, { recursive: true })
  for (const { fileName, content } of renderCustomResourceDefinitions())
    writeFileSync(join(directory, fileName), render(content))
}

writeFileSync(join(repoRoot, CHART_NAMES_FILE), chartNamesTemplate())
