import { describe, expect, it } from 'vitest'
import { imageRef, mergeValues, strataValues } from './strata.ts'

describe('pod test manifests', () => {
  it('splits an image reference at its last colon, so a registry port stays in the repository', () => {
    expect(imageRef('localhost:5000/strata-gateway:abc')).toEqual({
      repository: 'localhost:5000/strata-gateway',
      tag: 'abc',
    })
  })

  it('merges values key by key as helm merges values files, and replaces lists', () => {
    expect(mergeValues({ a: { b: 1, c: [1] } }, { a: { c: [2], d: 3 } })).toEqual({
      a: { b: 1, c: [2], d: 3 },
    })
  })

  it('keeps the images and endpoints when a test adds gateway values', () => {
    const values = strataValues(
      { operator: 'localhost/o:1', gateway: 'localhost/g:1' },
      { gateway: { podAnnotations: { x: 'y' } } },
    ) as { gateway: { image: unknown; env: unknown[]; podAnnotations: unknown } }
    expect(values.gateway.image).toEqual({
      repository: 'localhost/g',
      tag: '1',
      pullPolicy: 'Never',
    })
    expect(values.gateway.env.length).toBeGreaterThan(3)
    expect(values.gateway.podAnnotations).toEqual({ x: 'y' })
  })
})
