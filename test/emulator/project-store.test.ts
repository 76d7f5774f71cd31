import { describe, expect, it } from 'vitest'
import { defaultConfig } from './emulator-state.ts'
import { ProjectStore, type ProjectResult } from './project-store.ts'

function value<T>(result: ProjectResult<T>): T {
  if (!result.ok) throw new Error(result.error.message)
  return result.value
}

describe('ProjectStore', () => {
  it('starts with only the default project and returns to that on clear', () => {
    const store = new ProjectStore(defaultConfig)
    value(store.create({ name: 'a' }))
    store.clear()
    const page = value(store.list({ limit: 100, includeArchived: true }))
    expect(page.data.map((p) => p.id)).toEqual(['default'])
  })

  it('keeps names unique among active projects only', () => {
    const store = new ProjectStore(defaultConfig)
    const first = value(store.create({ name: 'a' }))
    expect(store.create({ name: 'a' })).toMatchObject({ ok: false, error: { status: 409 } })
    expect(store.create({ name: 'default' })).toMatchObject({ ok: false, error: { status: 409 } })
    const second = value(store.create({ name: 'b' }))
    expect(store.update(second.id, { name: 'a' })).toMatchObject({
      ok: false,
      error: { status: 409 },
    })
    value(store.archive(first.id))
    expect(value(store.create({ name: 'a' })).id).not.toBe(first.id)
  })

  it('copies tags so callers cannot change stored state', () => {
    const store = new ProjectStore(defaultConfig)
    const tags = { a: '1' }
    const project = value(store.create({ name: 'p', tags }))
    tags.a = '2'
    expect(value(store.get(project.id)).tags).toEqual({ a: '1' })
  })

  it('applies removals before additions', () => {
    const store = new ProjectStore(defaultConfig)
    const { id } = value(store.create({ name: 'p', tags: { a: '1', b: '2' } }))
    const updated = value(store.update(id, { removeTagKeys: ['a', 'b'], addTags: { b: '3' } }))
    expect(updated.tags).toEqual({ b: '3' })
  })

  it('pages with an after cursor and rejects an unknown one', () => {
    const store = new ProjectStore(defaultConfig)
    const ids = ['a', 'b', 'c'].map((name) => value(store.create({ name })).id)
    const page = value(store.list({ limit: 2, after: ids[0], includeArchived: true }))
    expect(page).toEqual({
      data: [expect.objectContaining({ id: ids[1] }), expect.objectContaining({ id: ids[2] })],
      hasMore: false,
    })
    expect(store.list({ limit: 2, after: 'proj_x', includeArchived: true })).toMatchObject({
      ok: false,
      error: { status: 400, param: 'after' },
    })
  })
})
