// The publisher as the consumer of the table-dirty signal, against an in-memory ConfigMap store:
// marks become one publish, an unchanged table keeps its version, and every publish hands its
// outcome to the ModelRoute status writer. test/cluster covers the real apiserver.
import type { KubernetesObject, V1ConfigMap } from '@kubernetes/client-node'
import {
  bedrockProjectSchema,
  decodeTableConfigMap,
  modelRouteSchema,
  VERSION_ANNOTATION,
  type BedrockProject,
  type ModelRoute,
} from '@strata/crds'
import { describe, expect, it } from 'vitest'
import { TableDirty } from '../controllers/table-dirty.ts'
import { CacheSync } from '../controllers/cache-sync.ts'
import { TablePublisher } from './publisher.ts'

const project: BedrockProject = bedrockProjectSchema.parse({
  apiVersion: 'strata.dev/v1alpha1',
  kind: 'BedrockProject',
  metadata: { name: 'support', namespace: 'apps' },
  spec: {
    name: 'Support',
    region: 'us-east-1',
    tags: { owner: 'a', cost_center: 'b', environment: 'c', data_classification: 'd' },
  },
  status: { projectId: 'proj_1', clientKeys: [{ sha256: 'a'.repeat(64) }] },
})
const route = (model: string): ModelRoute =>
  modelRouteSchema.parse({
    apiVersion: 'strata.dev/v1alpha1',
    kind: 'ModelRoute',
    metadata: { name: 'chat', namespace: 'apps', creationTimestamp: '2026-12-01T00:00:00Z' },
    spec: {
      projectRef: { name: 'support' },
      model,
      backends: [{ kind: 'mantle', modelId: 'openai.gpt-oss-120b' }],
    },
  })

function setup() {
  let stored: V1ConfigMap | undefined
  let applies = 0
  const kube = {
    read: <T extends KubernetesObject>(): Promise<T | undefined> =>
      Promise.resolve(stored as T | undefined),
    apply: <T extends KubernetesObject>(object: T): Promise<T> => {
      applies++
      stored = structuredClone(object)
      return Promise.resolve(object)
    },
  }
  let routes = [route('support-chat')]
  const written: { version: number; served: string[] }[] = []
  const dirty = new TableDirty(new CacheSync(['projects', 'routes']))
  const publisher = new TablePublisher({
    kube,
    namespace: 'strata-system',
    dirty,
    cache: { projects: { list: () => [project] }, routes: { list: () => routes } },
    routeStatus: {
      write: (version, compiled) => {
        written.push({
          version,
          served: compiled.projects.flatMap((p) => p.routes.map((r) => r.model)),
        })
        return Promise.resolve()
      },
    },
    now: () => new Date('2026-12-01T10:00:00Z'),
    log: () => undefined,
    debounceMs: 1,
  })
  const settle = () => new Promise((resolve) => setTimeout(resolve, 30))
  return {
    dirty,
    publisher,
    settle,
    written,
    applies: () => applies,
    stored: () => stored,
    setRoutes: (next: ModelRoute[]) => (routes = next),
  }
}

describe('TablePublisher', () => {
  it('publishes once both caches synced, coalescing the marks made before', async () => {
    const { dirty, settle, written, applies, stored } = setup()
    dirty.mark()
    dirty.synced('projects')
    await settle()
    expect(applies()).toBe(0)
    dirty.synced('routes')
    dirty.mark()
    await settle()
    expect(applies()).toBe(1)
    expect(stored()?.metadata?.annotations?.[VERSION_ANNOTATION]).toBe('1')
    const configMap = stored()
    if (!configMap) throw new Error('nothing was published')
    const decoded = decodeTableConfigMap(configMap)
    if (!decoded.ok) throw new Error('the published ConfigMap does not decode')
    expect(decoded.table.projects[0]?.routes.map((r) => r.model)).toEqual(['support-chat'])
    expect(written).toEqual([{ version: 1, served: ['support-chat'] }])
  })

  it('keeps the version when the content is unchanged, and bumps it when it changes', async () => {
    const { dirty, settle, written, applies, setRoutes, publisher } = setup()
    dirty.synced('projects')
    dirty.synced('routes')
    await settle()
    dirty.mark()
    await settle()
    expect(applies()).toBe(1)
    setRoutes([route('support-chat-v2')])
    dirty.mark()
    await settle()
    expect(applies()).toBe(2)
    expect(written.map((w) => w.version)).toEqual([1, 1, 2])
    publisher.stop()
    dirty.mark()
    await settle()
    expect(written).toHaveLength(3)
  })
})
