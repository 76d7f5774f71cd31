import { describe, expect, it } from 'vitest'
import { countReadyEndpoints, endpointSliceListSchema } from './ready-endpoints.ts'

const endpoint = (pod: string, ready?: boolean | null, address = `10.0.0.${pod.length}`) => ({
  addresses: [address],
  ...(ready === undefined ? {} : { conditions: { ready } }),
  targetRef: { kind: 'Pod', namespace: 'strata', name: pod, uid: `uid-${pod}` },
})

const count = (body: unknown): number => countReadyEndpoints(endpointSliceListSchema.parse(body))

describe('ready endpoints of a Service', () => {
  it('counts ready endpoints across slices, leaving not-ready and terminating ones out', () => {
    expect(
      count({
        kind: 'EndpointSliceList',
        items: [
          { endpoints: [endpoint('a', true), endpoint('b', true)] },
          {
            endpoints: [
              endpoint('c', true),
              endpoint('d', false),
              { ...endpoint('e', false), conditions: { ready: false, terminating: true } },
            ],
          },
        ],
      }),
    ).toBe(3)
  })

  it('counts an endpoint without a ready condition as ready, as the API says', () => {
    expect(count({ items: [{ endpoints: [endpoint('a'), endpoint('b', null)] }] })).toBe(2)
  })

  it('counts a pod once when it is in two slices (dual-stack, or moving between slices)', () => {
    expect(
      count({
        items: [
          { addressType: 'IPv4', endpoints: [endpoint('a', true, '10.0.0.1')] },
          { addressType: 'IPv6', endpoints: [endpoint('a', true, 'fd00::1')] },
          { addressType: 'IPv4', endpoints: [endpoint('a', true, '10.0.0.1')] },
        ],
      }),
    ).toBe(1)
  })

  it('tells endpoints without a pod apart by their address', () => {
    expect(
      count({
        items: [
          {
            endpoints: [
              { addresses: ['10.0.0.1'], conditions: { ready: true } },
              { addresses: ['10.0.0.2'] },
              { addresses: ['10.0.0.1'], conditions: { ready: true } },
              { addresses: [] },
            ],
          },
        ],
      }),
    ).toBe(2)
  })

  it('reads no slices, a slice without endpoints, and odd fields as zero rather than failing', () => {
    expect(count({ items: [] })).toBe(0)
    expect(count({})).toBe(0)
    expect(count({ items: [{ endpoints: null }, { metadata: { name: 'x' } }] })).toBe(0)
    expect(
      count({
        items: [{ endpoints: [{ addresses: 'nope', conditions: { ready: 'yes' }, targetRef: 7 }] }],
      }),
    ).toBe(0)
  })
})
