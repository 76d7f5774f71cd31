import { describe, expect, it } from 'vitest'
import { crossNodeEdges, importCycles, importsOf, layerFindings, nodeOf } from './import-graph.ts'

const tree = (entries: Record<string, string>) => new Map(Object.entries(entries))

describe('importsOf', () => {
  it('resolves relative imports, type-only ones and re-exports, and keeps bare ones apart', () => {
    const text = [
      "import { a } from '../errors/catalogue.ts'",
      "import type { B } from './b.ts'",
      "export * from '../c/d.ts'",
      "import { Hono } from 'hono'",
      "import { join } from 'node:path'",
    ].join('\n')
    expect(importsOf('routes/x.ts', text)).toEqual({
      local: ['errors/catalogue.ts', 'routes/b.ts', 'c/d.ts'],
      external: ['hono', 'node:path'],
    })
  })
})

describe('nodeOf', () => {
  it('is the first folder, or the file at the root', () => {
    expect(nodeOf('routes/chat.ts')).toBe('routes/')
    expect(nodeOf('translators/a/b.ts')).toBe('translators/')
    expect(nodeOf('app.ts')).toBe('app.ts')
  })
})

describe('importCycles', () => {
  it('finds folders that import each other, through a third one too', () => {
    const files = tree({
      'a/x.ts': "import '../b/y.ts'",
      'b/y.ts': "import '../c/z.ts'",
      'c/z.ts': "import '../a/x.ts'",
      'd/w.ts': "import '../a/x.ts'",
    })
    expect(importCycles(crossNodeEdges(files))).toEqual([['a/', 'b/', 'c/']])
  })

  it('finds none in a tree that only goes down', () => {
    const files = tree({ 'a/x.ts': "import '../b/y.ts'", 'b/y.ts': "import '../c/z.ts'" })
    expect(importCycles(crossNodeEdges(files))).toEqual([])
  })
})

describe('layerFindings', () => {
  const layers = [['routes/'], ['pipeline/', 'app.ts'], ['errors/']]
  const none = new Map<string, RegExp>()

  it('accepts imports that go down', () => {
    const files = tree({
      'routes/a.ts': "import '../pipeline/b.ts'\nimport '../errors/c.ts'",
      'pipeline/b.ts': "import '../errors/c.ts'\nimport './d.ts'",
      'errors/c.ts': '',
    })
    expect(layerFindings(files, layers, none)).toEqual([])
  })

  it('names an import that climbs, and one between two nodes of the same layer', () => {
    const files = tree({
      'errors/c.ts': "import '../routes/a.ts'",
      'pipeline/b.ts': "import '../app.ts'",
      'routes/a.ts': '',
      'app.ts': '',
    })
    expect(layerFindings(files, layers, none)).toEqual([
      {
        file: 'errors/c.ts',
        message: 'imports routes/a.ts: routes/ is above errors/ in the layers',
      },
      {
        file: 'pipeline/b.ts',
        message: 'imports app.ts: app.ts is beside pipeline/ in the layers',
      },
    ])
  })

  it('names a folder that is in no layer', () => {
    const files = tree({ 'extra/e.ts': '' })
    expect(layerFindings(files, layers, none)).toEqual([
      { file: 'extra/e.ts', message: 'extra/ is in no layer: add it to the layer list' },
    ])
  })

  it('names a package a folder may not use', () => {
    const files = tree({ 'errors/c.ts': "import { request } from 'undici'\nimport 'zod'" })
    const forbidden = new Map([['errors/', /^(hono|undici|node:)/]])
    expect(layerFindings(files, layers, forbidden)).toEqual([
      { file: 'errors/c.ts', message: 'imports undici, which errors/ may not use' },
    ])
  })
})
