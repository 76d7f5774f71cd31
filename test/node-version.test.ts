import { describe, expect, it } from 'vitest'

describe('toolchain', () => {
  it('runs on Node 24, the version the product targets (engines allows >= 22.19)', () => {
    const major = Number(process.versions.node.split('.')[0])
    expect(major).toBeGreaterThanOrEqual(24)
  })
})
