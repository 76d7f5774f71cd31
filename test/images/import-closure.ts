// `node test/images/import-closure.ts <entry.ts|js>...`: prints, one per line and relative to the
// repository root, every source file the entries load through relative imports or workspace
// packages (@strata/*), then every bare package name they import as `package:<name>`. The image
// build compares an image's files with this list, so test kits and fixtures that a recipe copied
// by accident are caught by name instead of by reading Dockerfiles.
import { readFileSync, realpathSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

const repoRoot = resolve(import.meta.dirname, '..', '..')

// Static imports and re-exports. `import type` counts too: such a file is production source even
// if type stripping means it is never loaded.
const importPattern = /^\s*(?:import|export)\s+(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm

/** The workspace package directory of `@strata/<name>[/subpath]`, from its package.json exports. */
function resolveWorkspace(specifier: string): string {
  const [scope, name, ...rest] = specifier.split('/')
  const packageDir = join(repoRoot, 'node_modules', `${scope ?? ''}/${name ?? ''}`)
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    exports?: Record<string, string>
  }
  const key = rest.length === 0 ? '.' : `./${rest.join('/')}`
  const target = manifest.exports?.[key]
  if (target === undefined) throw new Error(`${specifier}: no export ${key}`)
  return resolve(realpathSync(packageDir), target)
}

export function importClosure(entries: string[]): { files: string[]; packages: string[] } {
  const files = new Set<string>()
  const packages = new Set<string>()
  const pending = entries.map((entry) => resolve(entry))
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (files.has(file)) continue
    files.add(file)
    for (const match of readFileSync(file, 'utf8').matchAll(importPattern)) {
      const specifier = match[1] ?? ''
      if (specifier.startsWith('.')) pending.push(resolve(dirname(file), specifier))
      else if (specifier.startsWith('@strata/')) pending.push(resolveWorkspace(specifier))
      else if (!specifier.startsWith('node:')) {
        const parts = specifier.split('/')
        packages.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? ''))
      }
    }
  }
  return {
    files: [...files].map((file) => relative(repoRoot, file)).sort(),
    packages: [...packages].sort(),
  }
}

if (import.meta.main) {
  const { files, packages } = importClosure(process.argv.slice(2))
  process.stdout.write([...files, ...packages.map((name) => `package:${name}`)].join('\n') + '\n')
}
