import { describe, expect, it } from 'vitest'
import { gatewayLayerProblems } from './check-layers.ts'
import { gatewayLayers } from './gateway-layers.ts'

describe("the gateway's layers", () => {
  it('hold: no import climbs, no folder cycle, no impure package in the pure folders', () => {
    expect(gatewayLayerProblems()).toEqual([])
  })

  it('put the request path in order', () => {
    const depth = (node: string) => gatewayLayers.findIndex((layer) => layer.includes(node))
    const path = ['routes/', 'pipeline/', 'resilience/', 'backends/', 'translators/', 'upstream/']
    const depths = path.map(depth)
    expect(depths.every((d) => d >= 0)).toBe(true)
    expect([...depths].sort((a, b) => a - b)).toEqual(depths)
    expect(depth('errors/')).toBeGreaterThan(depth('upstream/'))
  })
})
