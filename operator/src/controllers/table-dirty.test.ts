import { describe, expect, it } from 'vitest'
import { CacheSync } from './cache-sync.ts'
import { TableDirty } from './table-dirty.ts'

describe('TableDirty', () => {
  it('holds marks until every cache has synced, then delivers them once', () => {
    const dirty = new TableDirty(new CacheSync(['projects', 'routes']))
    let delivered = 0
    dirty.consume(() => delivered++)
    dirty.mark()
    dirty.mark()
    dirty.synced('projects')
    expect(delivered).toBe(0)
    dirty.synced('routes')
    expect(delivered).toBe(1)
  })

  it('delivers every later mark, and a re-list counts as one', () => {
    const dirty = new TableDirty(new CacheSync(['projects']))
    let delivered = 0
    dirty.consume(() => delivered++)
    dirty.synced('projects')
    dirty.mark()
    dirty.synced('projects')
    expect(delivered).toBe(3)
  })

  it('keeps a mark made before the consumer registered', () => {
    const dirty = new TableDirty(new CacheSync([]))
    dirty.mark()
    let delivered = 0
    dirty.consume(() => delivered++)
    expect(delivered).toBe(1)
  })
})
