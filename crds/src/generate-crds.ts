// Writes the CRD YAML generated from the zod schemas. `make check` reruns this and fails when the
// committed files differ, so the schemas stay the one source of truth.
// Usage: node crds/src/generate-crds.ts
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { renderCustomResourceDefinitions } from './custom-resource-definitions.ts'

// Every directory that receives a copy of the CRDs. Add the Helm chart's CRD directory here.
const outputDirectories = [join(import.meta.dirname, '..', 'generated')]

for (const directory of outputDirectories) {
  mkdirSync(directory, { recursive: true })
  for (const { fileName, content } of renderCustomResourceDefinitions())
    writeFileSync(join(directory, fileName), content)
}
