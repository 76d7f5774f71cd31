import { modelRouteSchema, type ModelRoute } from '@strata/crds'
import { describe, expect, it } from 'vitest'
import { desiredRouteStatus, recordedVersion, statusDiffers } from './desired-status.ts'
import type { RouteOutcome } from './route-outcomes.ts'

const now = new Date('2026-12-01T10:00:00Z')
const route = (status?: ModelRoute['status']): ModelRoute =>
  modelRouteSchema.parse({
    apiVersion: 'strata.dev/v1alpha1',
    kind: 'ModelRoute',
    metadata: { name: 'chat', namespace: 'apps', generation: 2 },
    spec: {
      projectRef: { name: 'support' },
      model: 'support-chat',
      backends: [
        { kind: 'converse', modelId: 'anthropic.claude-sonnet-4-6' },
        { kind: 'mantle', modelId: 'openai.gpt-oss-120b' },
      ],
    },
    ...(status ? { status } : {}),
  })
const admitted: RouteOutcome = {
  accepted: { status: true, reason: 'Accepted', message: '' },
  resolvedRefs: { status: true, reason: 'ResolvedRefs', message: '' },
}

describe('desiredRouteStatus', () => {
  it('is Ready when served, with the version that first served it and the backends column', () => {
    const status = desiredRouteStatus(route(), admitted, 7, now)
    expect(status.routingTableVersion).toBe('7')
    expect(status.backends).toBe('anthropic.claude-sonnet-4-6,openai.gpt-oss-120b')
    expect(status.observedGeneration).toBe(2)
    expect(status.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Accepted', 'True', 'Accepted'],
      ['Ready', 'True', 'Served'],
      ['ResolvedRefs', 'True', 'ResolvedRefs'],
    ])
  })

  it('is not Ready when not served, and says why from the outcome that failed', () => {
    const conflict: RouteOutcome = {
      ...admitted,
      accepted: { status: false, reason: 'AliasConflict', message: 'older route wins' },
    }
    const status = desiredRouteStatus(route(), conflict, undefined, now)
    expect(status.routingTableVersion).toBeUndefined()
    expect(status.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'AliasConflict',
      message: 'older route wins',
    })
  })

  it('differs from the recorded status only when something it says changed', () => {
    const status = desiredRouteStatus(route(), admitted, 7, now)
    expect(statusDiffers(status, desiredRouteStatus(route(status), admitted, 7, now))).toBe(false)
    expect(statusDiffers(status, desiredRouteStatus(route(status), admitted, 8, now))).toBe(true)
  })
})

describe('recordedVersion', () => {
  it('is the recorded version only while the status says the current generation is served', () => {
    const served = desiredRouteStatus(route(), admitted, 7, now)
    expect(recordedVersion(route(served))).toBe(7)
    expect(recordedVersion(route({ ...served, observedGeneration: 1 }))).toBeUndefined()
    expect(recordedVersion(route())).toBeUndefined()
  })
})
