import type { KubernetesObject } from '@kubernetes/client-node'
import {
  bedrockProjectSchema,
  modelRouteSchema,
  type BedrockProject,
  type ModelRoute,
} from '@strata/crds'
import { describe, expect, it } from 'vitest'
import { RouteEvents } from './events.ts'

const route = (generation: number, modelId: string): ModelRoute =>
  modelRouteSchema.parse({
    apiVersion: 'strata.dev/v1alpha1',
    kind: 'ModelRoute',
    metadata: { name: 'chat', namespace: 'apps', generation },
    spec: {
      projectRef: { name: 'support' },
      model: 'support-chat',
      backends: [{ kind: 'converse', modelId }],
    },
  })

function watch(profiled: string[]) {
  let cached: ModelRoute | undefined
  const project: BedrockProject = bedrockProjectSchema.parse({
    apiVersion: 'strata.dev/v1alpha1',
    kind: 'BedrockProject',
    metadata: { name: 'support', namespace: 'apps' },
    spec: {
      name: 'Support',
      region: 'us-east-1',
      tags: { owner: 'a', cost_center: 'b', environment: 'c', data_classification: 'd' },
    },
    status: { inferenceProfiles: profiled.map((modelId) => ({ modelId, arn: `arn:${modelId}` })) },
  })
  const queued: string[] = []
  let dirty = 0
  const events = new RouteEvents({
    routes: { get: () => cached },
    projects: {
      get: (name, namespace) => (`${namespace}/${name}` === 'apps/support' ? project : undefined),
    },
    queue: { add: (key) => queued.push(key) },
    tableDirty: { mark: () => dirty++ },
  })
  const send = (object: ModelRoute | undefined, kind: 'add' | 'update' | 'delete') => {
    cached = kind === 'delete' ? undefined : object
    const raw: KubernetesObject = { metadata: { name: 'chat', namespace: 'apps' } }
    events.onEvent(raw, kind)
  }
  return { send, queued, dirty: () => dirty }
}

describe('RouteEvents', () => {
  it('queues the project only for a model it has no profile for, and ignores status echoes', () => {
    const { send, queued, dirty } = watch(['anthropic.claude-sonnet-4-6'])
    send(route(1, 'anthropic.claude-sonnet-4-6'), 'add')
    expect(queued).toEqual([])
    expect(dirty()).toBe(1)
    send(
      { ...route(1, 'anthropic.claude-sonnet-4-6'), status: { observedGeneration: 1 } },
      'update',
    )
    expect(dirty()).toBe(1)
    send(route(2, 'amazon.nova-pro-v1:0'), 'update')
    expect(queued).toEqual(['apps/support'])
    expect(dirty()).toBe(2)
  })

  it('queues the project when a route goes, since its profile may be unused now', () => {
    const { send, queued, dirty } = watch(['anthropic.claude-sonnet-4-6'])
    send(route(1, 'anthropic.claude-sonnet-4-6'), 'add')
    send(undefined, 'delete')
    expect(queued).toEqual(['apps/support'])
    expect(dirty()).toBe(2)
  })
})
