// The BedrockProject reconciler against in-memory Kubernetes and Bedrock stand-ins
// (operator/test-support): what it calls, in which order, and what it writes. The same flows run
// against the real apiserver and the Bedrock emulator in test/cluster/operator.test.ts.
import { createHash } from 'node:crypto'
import {
  bedrockProjectSchema,
  modelRouteSchema,
  type BedrockProject,
  type ModelRoute,
} from '@strata/crds'
import { describe, expect, it } from 'vitest'
import { FakeProfiles, FakeProjects } from '../../../test-support/fake-bedrock.ts'
import { FakeKube } from '../../../test-support/fake-kube.ts'
import { FINALIZER, BedrockProjectReconciler } from './reconciler.ts'
import { OWNER_TAG } from '../../bedrock/tags.ts'

const tags = {
  owner: 'team-a',
  cost_center: 'cc-1',
  environment: 'dev',
  data_classification: 'internal',
}
const now = new Date('2026-12-01T10:00:00Z')
const resyncMs = 300_000

function project(overrides: Partial<BedrockProject['metadata']> = {}, spec = {}): BedrockProject {
  return bedrockProjectSchema.parse({
    apiVersion: 'strata.dev/v1alpha1',
    kind: 'BedrockProject',
    metadata: { name: 'support', namespace: 'apps', uid: 'uid-1', generation: 1, ...overrides },
    spec: { name: 'Support Bot', region: 'us-east-1', tags, ...spec },
  })
}

const route: ModelRoute = modelRouteSchema.parse({
  apiVersion: 'strata.dev/v1alpha1',
  kind: 'ModelRoute',
  metadata: { name: 'chat', namespace: 'apps', generation: 1 },
  spec: {
    projectRef: { name: 'support' },
    model: 'support-chat',
    backends: [{ kind: 'converse', modelId: 'anthropic.claude-sonnet-4-6' }],
  },
})

function world(start: BedrockProject) {
  const kube = new FakeKube()
  kube.put(start)
  const bedrock = new FakeProjects()
  const profiles = new FakeProfiles()
  let dirty = 0
  const reconciler = new BedrockProjectReconciler({
    kube,
    cache: {
      projects: kube,
      routes: { list: (namespace) => (namespace === route.metadata.namespace ? [route] : []) },
    },
    projects: () => bedrock,
    profiles: () => profiles,
    tableDirty: { mark: () => dirty++ },
    gatewayBaseUrl: 'http://strata-gateway.strata-system.svc/v1',
    resyncMs,
    keyGraceSeconds: 3600,
    now: () => now,
    log: () => undefined,
  })
  const stored = () => kube.get('support', 'apps')
  const condition = (type: string) => stored()?.status?.conditions?.find((c) => c.type === type)
  return { kube, bedrock, profiles, reconciler, stored, condition, dirty: () => dirty }
}

const decode = (value: string | undefined) => Buffer.from(value ?? '', 'base64').toString('utf8')

describe('BedrockProjectReconciler', () => {
  it('adds the finalizer first and calls Bedrock only on the next pass', async () => {
    const { kube, bedrock, reconciler, stored } = world(project())
    expect(await reconciler.reconcile('apps/support')).toBeUndefined()
    expect(stored()?.metadata.finalizers).toEqual([FINALIZER])
    expect(bedrock.calls).toEqual([])
    expect(kube.statusWrites).toEqual([])
  })

  it('creates the project, its profile and the Secret, then reports Ready and marks the table dirty', async () => {
    const { kube, bedrock, profiles, reconciler, stored, condition, dirty } = world(
      project({ finalizers: [FINALIZER] }),
    )
    expect(await reconciler.reconcile('apps/support')).toEqual({ requeueAfterMs: resyncMs })

    expect(bedrock.calls).toEqual(['list', 'create'])
    const [created] = bedrock.projects.values()
    expect(created?.tags).toEqual({ ...tags, [OWNER_TAG]: 'apps/support' })
    expect(kube.events.map((e) => e.reason)).toEqual(['ProjectCreated'])

    // The project id is recorded before anything else can fail.
    expect(kube.statusWrites[0]).toMatchObject({ projectId: created?.id, conditions: [] })
    const status = stored()?.status
    expect(status).toMatchObject({
      projectId: created?.id,
      projectArn: created?.arn,
      credentialsSecret: 'support-openai',
      observedGeneration: 1,
      inferenceProfiles: [
        { modelId: 'anthropic.claude-sonnet-4-6', arn: [...profiles.profiles.keys()][0] },
      ],
    })
    for (const type of ['Ready', 'ProjectSynced', 'CredentialsReady'])
      expect(condition(type)).toMatchObject({
        status: 'True',
        observedGeneration: 1,
        lastTransitionTime: '2026-12-01T10:00:00Z',
      })

    // Two applies under two field managers: the frame, then the key.
    expect(kube.secretManagers).toEqual(['strata-operator-frame', 'strata-operator'])
    const secret = kube.secrets.get('apps/support-openai')
    expect(decode(secret?.data?.['OPENAI_BASE_URL'])).toBe(
      'http://strata-gateway.strata-system.svc/v1',
    )
    const key = decode(secret?.data?.['OPENAI_API_KEY'])
    expect(key).toMatch(/^sk-strata-/)
    expect(status?.clientKeys).toEqual([{ sha256: createHash('sha256').update(key).digest('hex') }])
    expect(dirty()).toBe(1)
  })

  it('a steady reconcile costs one GetProject and no Secret key write', async () => {
    const { kube, bedrock, reconciler } = world(project({ finalizers: [FINALIZER] }))
    await reconciler.reconcile('apps/support')
    bedrock.calls.length = 0
    kube.secretManagers.length = 0
    await reconciler.reconcile('apps/support')
    expect(bedrock.calls).toEqual(['get'])
    expect(kube.secretManagers).toEqual(['strata-operator-frame'])
  })

  it('repairs tags changed outside Strata with one update and an Event', async () => {
    const { kube, bedrock, reconciler } = world(project({ finalizers: [FINALIZER] }))
    await reconciler.reconcile('apps/support')
    const [created] = bedrock.projects.values()
    if (!created) throw new Error('no project was created')
    created.tags = { ...created.tags, owner: 'someone-else', extra: 'x' }
    await reconciler.reconcile('apps/support')
    expect(bedrock.calls.slice(-2)).toEqual(['get', 'updateTags'])
    expect(created.tags).toEqual({ ...tags, [OWNER_TAG]: 'apps/support' })
    expect(kube.events.at(-1)).toMatchObject({ reason: 'TagsRepaired', action: 'Update' })
  })

  it('reports a project archived outside Strata as not ready, and takes it out of the table', async () => {
    const { kube, bedrock, reconciler, condition, dirty } = world(
      project({ finalizers: [FINALIZER] }),
    )
    await reconciler.reconcile('apps/support')
    const [created] = bedrock.projects.values()
    if (created) created.status = 'archived'
    expect(await reconciler.reconcile('apps/support')).toEqual({ requeueAfterMs: resyncMs })
    expect(condition('Ready')).toMatchObject({ status: 'False', reason: 'ProjectArchived' })
    expect(condition('ProjectSynced')).toMatchObject({ status: 'False', reason: 'ProjectArchived' })
    expect(kube.events.at(-1)).toMatchObject({ type: 'Warning', reason: 'ProjectArchived' })
    expect(dirty()).toBe(2)
  })

  it('writes a Bedrock failure to the conditions and an Event, then rethrows for the queue', async () => {
    const { kube, bedrock, reconciler, condition } = world(project({ finalizers: [FINALIZER] }))
    bedrock.failNext(429, 'slow down')
    await expect(reconciler.reconcile('apps/support')).rejects.toThrow('slow down')
    expect(condition('Ready')).toMatchObject({ status: 'False', reason: 'BedrockThrottled' })
    expect(kube.events).toEqual([
      { type: 'Warning', reason: 'BedrockThrottled', note: 'slow down', action: 'Reconcile' },
    ])
  })

  it('on delete archives the project, deletes its profiles and releases the finalizer', async () => {
    const { kube, bedrock, profiles, reconciler, stored, dirty } = world(
      project({ finalizers: [FINALIZER] }),
    )
    await reconciler.reconcile('apps/support')
    const current = stored()
    if (!current) throw new Error('the project is gone')
    kube.put({
      ...current,
      metadata: { ...current.metadata, deletionTimestamp: '2026-12-01T11:00:00Z' },
    })
    expect(await reconciler.reconcile('apps/support')).toBeUndefined()
    expect([...bedrock.projects.values()].map((p) => p.status)).toEqual(['archived'])
    expect(profiles.profiles.size).toBe(0)
    expect(profiles.deleted).toHaveLength(1)
    expect(stored()?.metadata.finalizers).toEqual([])
    expect(kube.events.map((e) => e.reason)).toContain('ProjectArchived')
    expect(dirty()).toBe(2)
  })

  it('does nothing for a project that is not in the cache', async () => {
    const { bedrock, reconciler } = world(project())
    expect(await reconciler.reconcile('apps/other')).toBeUndefined()
    expect(bedrock.calls).toEqual([])
  })
})
