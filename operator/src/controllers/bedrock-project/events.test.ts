import type { KubernetesObject } from '@kubernetes/client-node'
import { bedrockProjectSchema, type BedrockProject } from '@strata/crds'
import { describe, expect, it } from 'vitest'
import { ROTATE_ANNOTATION } from './credentials.ts'
import { ProjectEvents } from './events.ts'

const project = (generation: number, extra: Record<string, unknown> = {}): BedrockProject =>
  bedrockProjectSchema.parse({
    apiVersion: 'strata.dev/v1alpha1',
    kind: 'BedrockProject',
    metadata: { name: 'support', namespace: 'apps', generation, ...extra },
    spec: {
      name: 'Support',
      region: 'us-east-1',
      tags: { owner: 'a', cost_center: 'b', environment: 'c', data_classification: 'd' },
    },
  })

function watch() {
  let cached: BedrockProject | undefined
  const reconciled: string[] = []
  let dirty = 0
  const events = new ProjectEvents({
    projects: { get: () => cached },
    queue: { add: (key) => reconciled.push(key) },
    tableDirty: { mark: () => dirty++ },
  })
  const send = (object: BedrockProject | undefined, kind: 'add' | 'update' | 'delete') => {
    cached = kind === 'delete' ? undefined : object
    const raw: KubernetesObject = { metadata: { name: 'support', namespace: 'apps' } }
    events.onEvent(raw, kind)
  }
  return { send, reconciled, dirty: () => dirty }
}

describe('ProjectEvents', () => {
  it('reconciles on a spec or rotation change, not on the echo of a status write', () => {
    const { send, reconciled, dirty } = watch()
    send(project(1), 'add')
    send({ ...project(1), status: { projectId: 'proj_1' } }, 'update')
    expect(reconciled).toEqual(['apps/support'])
    send(project(2), 'update')
    send(project(2, { annotations: { [ROTATE_ANNOTATION]: 'now' } }), 'update')
    expect(reconciled).toEqual(['apps/support', 'apps/support', 'apps/support'])
    // Every event may change the table: status carries keys and profiles.
    expect(dirty()).toBe(4)
  })

  it('marks the table dirty on delete without a reconcile', () => {
    const { send, reconciled, dirty } = watch()
    send(project(1), 'add')
    send(undefined, 'delete')
    expect(reconciled).toEqual(['apps/support'])
    expect(dirty()).toBe(2)
  })
})
