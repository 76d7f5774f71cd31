import { describe, expect, it } from 'vitest'
import { lookupKey, sha256Hex } from './key-lookup.ts'
import { buildRoutingIndex, findRoute, routesOf } from './routing-index.ts'
import {
  OTHER_PROJECT_KEY,
  TEST_KEY,
  TEST_OLD_KEY,
  testTable,
} from '../../test-support/test-tables.ts'

const beforeExpiry = Date.parse('2026-05-01T12:00:00Z')
const afterExpiry = Date.parse('2026-05-02T00:00:01Z')

describe('routing index', () => {
  const index = buildRoutingIndex(testTable())

  it('hashes keys with SHA-256 as lowercase hex', () => {
    expect(sha256Hex('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    )
  })

  it('resolves a key to its project', () => {
    expect(lookupKey(index, TEST_KEY, beforeExpiry)).toMatchObject({
      outcome: 'valid',
      project: { projectId: 'proj_support' },
    })
    expect(lookupKey(index, OTHER_PROJECT_KEY, beforeExpiry)).toMatchObject({
      project: { projectId: 'proj_billing' },
    })
  })

  it('refuses an unknown key, and a key that is only the stored hash', () => {
    expect(lookupKey(index, 'sk-nobody', beforeExpiry)).toEqual({ outcome: 'unknown' })
    expect(lookupKey(index, sha256Hex(TEST_KEY), beforeExpiry)).toEqual({ outcome: 'unknown' })
  })

  it('keeps a rotated-out key valid until notAfter, then refuses it', () => {
    expect(lookupKey(index, TEST_OLD_KEY, beforeExpiry).outcome).toBe('valid')
    expect(lookupKey(index, TEST_OLD_KEY, Date.parse('2026-05-02T00:00:00Z')).outcome).toBe('valid')
    expect(lookupKey(index, TEST_OLD_KEY, afterExpiry).outcome).toBe('expired')
    expect(lookupKey(index, TEST_KEY, afterExpiry).outcome).toBe('valid')
  })

  it('knows the model behind each application inference profile', () => {
    const table = testTable()
    const backend = table.projects[0]?.routes[0]?.backends[0]
    if (backend === undefined) throw new Error('fixture has a backend')
    backend.profileArn =
      'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123'
    expect(buildRoutingIndex(table).baseModelIds.get(backend.profileArn)).toBe(
      'us.anthropic.claude-sonnet-4-6',
    )
  })

  it('finds routes only within the caller project', () => {
    const lookup = lookupKey(index, TEST_KEY, beforeExpiry)
    if (lookup.outcome !== 'valid') throw new Error('fixture key is valid')
    expect(findRoute(index, lookup.project, 'claude')?.name).toBe('claude')
    expect(findRoute(index, lookup.project, 'nova')).toBeUndefined()
    expect(routesOf(index, lookup.project).map((route) => route.model)).toEqual([
      'claude',
      'gpt-4o',
    ])
  })
})
