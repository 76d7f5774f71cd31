import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { importClosure } from './import-closure.ts'

const repoRoot = join(import.meta.dirname, '..', '..')
const closureOf = (entry: string) => importClosure([join(repoRoot, entry)])

describe('importClosure', () => {
  it('follows relative imports and workspace packages from the gateway entrypoint', () => {
    const { files, packages } = closureOf('gateway/bin/strata-gateway.js')
    expect(files).toContain('gateway/src/server.ts')
    expect(files).toContain('aws-signing/src/sigv4.ts')
    expect(files).toContain('crds/src/index.ts')
    expect(files).not.toContain('gateway/test-support/app-test-kit.ts')
    expect(files.some((file) => file.includes('fixtures'))).toBe(false)
    // The CRD generator is @strata/crds/generate, which nothing at run time imports.
    expect(files).not.toContain('crds/src/custom-resource-definitions.ts')
    expect(packages).not.toContain('yaml')
    expect(packages).toContain('hono')
    expect(packages).not.toContain('vitest')
  })

  it('keeps the operator clear of the gateway: it signs through @strata/aws-signing', () => {
    const { files, packages } = closureOf('operator/bin/strata-operator.js')
    expect(files).toContain('aws-signing/src/request-signer.ts')
    expect(files.filter((file) => file.startsWith('gateway/'))).toEqual([])
    expect(packages).toContain('@kubernetes/client-node')
    expect(packages).not.toContain('hono')
  })
})
