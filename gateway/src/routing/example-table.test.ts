// examples/standalone/routes.json is what the README tells people to start from: it must stay
// valid, hold no plain key, and open with the demo key its README documents.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { lookupKey } from './key-lookup.ts'
import { buildRoutingIndex } from './routing-index.ts'
import { readRoutingTableFile } from './table-file.ts'

const example = new URL('../../../examples/standalone/', import.meta.url)
const tablePath = new URL('routes.json', example).pathname

describe('the standalone example table', () => {
  it('validates and opens with the demo key from its README', async () => {
    const table = await readRoutingTableFile(tablePath)
    const readme = readFileSync(new URL('README.md', example), 'utf8')
    const key = /`(sk-strata-demo-[a-z-]+)`/.exec(readme)?.[1]
    expect(key).toBe('sk-strata-demo-key')
    const lookup = lookupKey(buildRoutingIndex(table), key ?? '', Date.now())
    expect(lookup).toMatchObject({ outcome: 'valid', project: { name: 'demo' } })
  })

  it('holds only key hashes', () => {
    expect(readFileSync(tablePath, 'utf8')).not.toContain('sk-strata')
  })
})
