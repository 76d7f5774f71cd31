import { describe, expect, it } from 'vitest'
import { CacheSync } from './cache-sync.ts'

describe('CacheSync', () => {
  it('calls back once, when the last cache has listed', () => {
    const caches = new CacheSync(['projects', 'routes'])
    let called = 0
    caches.whenAll(() => called++)
    caches.listed('projects')
    caches.listed('projects')
    expect([called, caches.all]).toEqual([0, false])
    caches.listed('routes')
    caches.listed('routes')
    expect([called, caches.all]).toEqual([1, true])
  })

  it('calls back at once when every cache has already listed', () => {
    const caches = new CacheSync(['routes'])
    caches.listed('routes')
    let called = 0
    caches.whenAll(() => called++)
    expect(called).toBe(1)
  })
})
