import { describe, expect, it } from 'vitest'
import {
  decodeTableConfigMap,
  encodeTableConfigMap,
  GZIP_THRESHOLD_BYTES,
  TABLE_GZIP_KEY,
  TABLE_KEY,
  tableContentHash,
} from './routing-table-config-map.ts'
import type { RoutingTableInput } from './routing-table.ts'

function table(routeCount: number): RoutingTableInput {
  return {
    apiVersion: 'strata.dev/v1alpha1',
    kind: 'RoutingTable',
    version: 7,
    generatedAt: '2026-11-22T00:00:00Z',
    projects: [
      {
        name: 'support',
        namespace: 'apps',
        projectId: 'proj_abc',
        keys: [{ sha256: 'a'.repeat(64) }],
        routes: Array.from({ length: routeCount }, (_, index) => ({
          name: `route-${index}`,
          namespace: 'apps',
          model: `alias-${index}`,
          backends: [
            {
              kind: 'converse' as const,
              modelId: 'anthropic.claude-sonnet-4-6',
              region: 'us-east-1',
            },
          ],
        })),
      },
    ],
  }
}

describe('routing table ConfigMap codec', () => {
  it('keeps a small table as plain JSON and round-trips it', () => {
    const payload = encodeTableConfigMap(table(3))
    expect(Object.keys(payload.data ?? {})).toEqual([TABLE_KEY])
    const decoded = decodeTableConfigMap(payload)
    expect(decoded.ok && decoded.table.projects[0]?.routes).toHaveLength(3)
  })

  it('gzips a table above the threshold into binaryData and round-trips it', () => {
    const big = table(5_000)
    expect(JSON.stringify(big).length).toBeGreaterThan(GZIP_THRESHOLD_BYTES)
    const payload = encodeTableConfigMap(big)
    expect(payload.data).toBeUndefined()
    expect(Buffer.from(payload.binaryData?.[TABLE_GZIP_KEY] ?? '', 'base64').length).toBeLessThan(
      1024 * 1024,
    )
    const decoded = decodeTableConfigMap(payload)
    expect(decoded.ok && decoded.table.projects[0]?.routes).toHaveLength(5_000)
  })

  it.each([
    ['an empty ConfigMap', {}, 'neither'],
    ['invalid JSON', { data: { [TABLE_KEY]: '{' } }, 'not valid JSON'],
    ['invalid gzip', { binaryData: { [TABLE_GZIP_KEY]: 'bm90IGd6aXA=' } }, 'not valid gzip'],
    ['a schema violation', { data: { [TABLE_KEY]: '{"kind":"RoutingTable"}' } }, 'apiVersion'],
  ])('reports %s instead of serving it', (_name, payload, message) => {
    const decoded = decodeTableConfigMap(payload)
    expect(decoded.ok).toBe(false)
    expect(decoded.ok ? '' : decoded.error).toContain(message)
  })

  it('hashes content, not version, so republishing an unchanged table can be skipped', () => {
    const a = table(2)
    const b = { ...table(2), version: 8 }
    expect(tableContentHash(a.projects)).toBe(tableContentHash(b.projects))
    expect(tableContentHash(table(3).projects)).not.toBe(tableContentHash(a.projects))
  })
})
