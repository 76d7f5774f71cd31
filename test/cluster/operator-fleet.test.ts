// strata-operator where state drifts and fleets grow, on the real control plane with the Bedrock
// emulator: status work per change, inference profiles that follow their project, a Bedrock
// project that vanishes, and how the operator starts (a kubeconfig with a token file, a namespace
// that does not exist). The operator authenticates with a ServiceAccount token read from a file.
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import {
  BedrockClient,
  DeleteInferenceProfileCommand,
  GetInferenceProfileCommand,
  ListTagsForResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-bedrock'
import {
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
  Watch,
} from '@kubernetes/client-node'
import { bedrockProjectSchema, modelRouteSchema } from '@strata/crds'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { ensureBinaries } from '../control-plane/binaries.ts'
import { createEmulatorClient, type EmulatorClient } from '../emulator/emulator-client.ts'
import { group, version } from '../support/crd-fixtures.ts'
import { tokenKubeconfig } from '../support/service-account-access.ts'
import { eventually, statusCode } from '../support/kube.ts'
import { operatorSuite } from '../support/operator-suite.ts'
import { startOperatorProcess } from '../support/processes.ts'
import { createStrataObject, requiredTags, strataObject } from '../support/strata-objects.ts'

const suite = operatorSuite('fleet', inject('kubeconfig'))
const { kubeconfig, config, core, custom, rbac, suffix, system, team } = suite
const sonnet = 'anthropic.claude-sonnet-4-6'
const nova = 'amazon.nova-lite-v1:0'
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch)
const objects = { group, version, namespace: team }

let bedrock: EmulatorClient
let control: BedrockClient

const condition = (conditions: { type: string; status: string; reason: string }[] | undefined) =>
  conditions?.find((c) => c.type === 'Ready')

async function readProject(name: string) {
  return bedrockProjectSchema.parse(
    await custom.getNamespacedCustomObject({ ...objects, plural: 'bedrockprojects', name }),
  )
}

async function readRoute(name: string) {
  return modelRouteSchema.parse(
    await custom.getNamespacedCustomObject({ ...objects, plural: 'modelroutes', name }),
  )
}

async function createProject(name: string, extra: Record<string, unknown> = {}) {
  await createStrataObject(
    custom,
    strataObject('BedrockProject', team, name, {
      name: `Fleet ${name} ${suffix}`,
      region: 'us-east-1',
      tags: requiredTags,
      ...extra,
    }),
  )
}

async function createRoute(name: string, project: string, modelIds: string[]) {
  await createStrataObject(
    custom,
    strataObject('ModelRoute', team, name, {
      projectRef: { name: project },
      model: `${name}-alias`,
      backends: modelIds.map((modelId) => ({ kind: 'converse', modelId })),
    }),
  )
}

async function patch(plural: 'bedrockprojects' | 'modelroutes', name: string, body: object) {
  await custom.patchNamespacedCustomObject({ ...objects, plural, name, body }, mergePatch)
}

const awaitProjectReady = (name: string, timeoutMs = 30_000) =>
  eventually(
    `BedrockProject ${name} Ready`,
    async () => {
      const project = await readProject(name)
      return condition(project.status?.conditions)?.status === 'True' ? project : undefined
    },
    timeoutMs,
  )

const awaitRouteReady = (name: string, status: 'True' | 'False' = 'True') =>
  eventually(`ModelRoute ${name} Ready=${status}`, async () => {
    const route = await readRoute(name)
    const ready = condition(route.status?.conditions)
    return ready?.status === status &&
      route.status?.observedGeneration === route.metadata.generation
      ? route
      : undefined
  })

const awaitProfiles = (project: string, models: string[]) =>
  eventually(`inference profiles of ${project}: ${models.join(', ')}`, async () => {
    const current = await readProject(project)
    const recorded = (current.status?.inferenceProfiles ?? []).map((p) => p.modelId).sort()
    return JSON.stringify(recorded) === JSON.stringify([...models].sort()) ? current : undefined
  })

async function profileTags(arn: string): Promise<Record<string, string>> {
  const listed = await control.send(new ListTagsForResourceCommand({ resourceARN: arn }))
  return Object.fromEntries((listed.tags ?? []).map((tag) => [tag.key ?? '', tag.value ?? '']))
}

const profileExists = (arn: string) =>
  control.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: arn })).then(
    () => true,
    (error: unknown) => {
      if ((error as { name?: string }).name === 'ResourceNotFoundException') return false
      throw error
    },
  )

async function tableProjectIds(): Promise<string[]> {
  return (await suite.publishedTable()).projects.map((project) => project.projectId)
}

/** A kubeconfig that names its credential the way kubectl does: a token file beside it. */
async function tokenFileKubeconfig(): Promise<string> {
  const name = 'fleet-operator'
  await core.createNamespacedServiceAccount({ namespace: system, body: { metadata: { name } } })
  await rbac.createClusterRoleBinding({
    body: {
      metadata: { name: `${system}-operator` },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'cluster-admin',
      },
      subjects: [{ kind: 'ServiceAccount', name, namespace: system }],
    },
  })
  const token = await core.createNamespacedServiceAccountToken({
    name,
    namespace: system,
    body: { spec: { audiences: [], expirationSeconds: 3600 } },
  })
  writeFileSync(join(suite.workDirectory, 'operator.token'), token.status?.token ?? '')
  return tokenKubeconfig(
    config,
    { tokenFile: 'operator.token' },
    join(suite.workDirectory, 'operator.kubeconfig'),
  )
}

beforeAll(async () => {
  await suite.start({
    operatorKubeconfig: tokenFileKubeconfig,
    extraArgs: ['--resync-seconds', '3'],
  })
  bedrock = createEmulatorClient(suite.emulator.url)
  control = new BedrockClient({
    region: 'us-east-1',
    endpoint: suite.emulator.url,
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'x' },
  })
}, 120_000)

afterAll(async () => {
  await suite.stop()
  await rbac.deleteClusterRoleBinding({ name: `${system}-operator` }).catch(() => undefined)
})

describe('strata-operator at fleet scale', () => {
  it('authenticates with the token file its kubeconfig names, as kubectl would', async () => {
    await createProject('alpha')
    await awaitProjectReady('alpha')
    expect(await suite.operator.log()).not.toMatch(/system:anonymous/)
  })

  it('keeps the key of a credentials Secret an earlier version wrote, reading no Secret', async () => {
    // Earlier versions read the Secret, then applied all of it, stringData included, as one
    // field manager; the frame applied now under another manager must not take the key away.
    const oldKey = `sk-strata-written-by-an-earlier-version-${suffix}`
    await KubernetesObjectApi.makeApiClient(config).patch(
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'upgraded-openai', namespace: team },
        type: 'Opaque',
        stringData: { OPENAI_BASE_URL: 'http://old.example/v1', OPENAI_API_KEY: oldKey },
      },
      undefined,
      undefined,
      'strata-operator',
      true,
      PatchStrategy.ServerSideApply,
    )
    await createProject('upgraded')
    const project = await awaitProjectReady('upgraded')
    expect(project.status?.clientKeys?.[0]?.sha256).toBe(
      createHash('sha256').update(oldKey).digest('hex'),
    )
    const secret = await core.readNamespacedSecret({ name: 'upgraded-openai', namespace: team })
    const text = (key: string) => Buffer.from(secret.data?.[key] ?? '', 'base64').toString()
    expect(text('OPENAI_API_KEY')).toBe(oldKey)
    expect(text('OPENAI_BASE_URL')).toBe(`http://strata-gateway.${system}.svc/v1`)
  })

  it('writes no status to routes that an unrelated change does not affect', async () => {
    await createProject('beta')
    await awaitProjectReady('beta')
    const names = Array.from({ length: 12 }, (_, index) => `steady-${String(index)}`)
    for (const name of names) await createRoute(name, index(name) % 2 ? 'alpha' : 'beta', [sonnet])
    // Settled: served with their inference profiles (until then a route's entry still changes).
    await awaitProfiles('alpha', [sonnet])
    await awaitProfiles('beta', [sonnet])
    for (const name of names)
      await eventually(`${name} served with its inference profile`, async () => {
        const route = await readRoute(name)
        const resolved = route.status?.conditions?.find((c) => c.type === 'ResolvedRefs')
        return condition(route.status?.conditions)?.status === 'True' && resolved?.message === ''
          ? true
          : undefined
      })
    const listed = (await custom.listNamespacedCustomObject({
      ...objects,
      plural: 'modelroutes',
    })) as {
      metadata?: { resourceVersion?: string }
    }
    // Every status write is a new resourceVersion, so the watch sees each one.
    const modified = new Map<string, number>()
    const watch = await new Watch(config).watch(
      `/apis/${group}/${version}/namespaces/${team}/modelroutes`,
      { resourceVersion: listed.metadata?.resourceVersion ?? '0' },
      (phase, object: { metadata?: { name?: string } }) => {
        const name = object.metadata?.name ?? ''
        if (phase === 'MODIFIED') modified.set(name, (modified.get(name) ?? 0) + 1)
      },
      () => undefined,
    )
    try {
      await createRoute('newcomer', 'beta', [sonnet])
      await awaitRouteReady('newcomer')
      await patch('modelroutes', 'steady-0', { spec: { model: 'steady-0-renamed' } })
      await eventually('steady-0 served under its new alias', async () => {
        const route = await readRoute('steady-0')
        return route.status?.observedGeneration === 2 ? route : undefined
      })
      // Time for any echo the operator might still send.
      await new Promise((resolve) => setTimeout(resolve, 1_500))
    } finally {
      watch.abort()
    }
    const untouched = names.filter((name) => name !== 'steady-0')
    const written = untouched.filter((name) => (modified.get(name) ?? 0) > 0)
    expect(written, 'routes whose status was rewritten by an unrelated change').toEqual([])
    const metrics = await (await fetch(`${suite.operator.url}/metrics`)).text()
    expect(metrics).toMatch(/strata_operator_status_writes_total\{kind="ModelRoute"\} \d+/)
  })

  it('keeps a route served at the table version of its own last change', async () => {
    const before = (await readRoute('steady-1')).status?.routingTableVersion
    await createRoute('another', 'alpha', [sonnet])
    await awaitRouteReady('another')
    const after = await readRoute('steady-1')
    expect(after.status?.routingTableVersion).toBe(before)
    expect(Number((await readRoute('another')).status?.routingTableVersion)).toBeGreaterThan(
      Number(before),
    )
  })

  it('shows every backend in the BACKENDS column', async () => {
    await createRoute('pair', 'alpha', [sonnet, nova])
    await awaitRouteReady('pair')
    const { stdout } = await promisify(execFile)(ensureBinaries().kubectl, [
      '--kubeconfig',
      kubeconfig,
      'get',
      'modelroute',
      'pair',
      '--namespace',
      team,
    ])
    const [header, row] = stdout.trim().split('\n')
    const column = header?.split(/\s{2,}/).indexOf('BACKENDS') ?? -1
    expect(row?.split(/\s{2,}/)[column]).toBe(`${sonnet},${nova}`)
  })

  it("carries the project's tags to its inference profiles when they change", async () => {
    const project = await awaitProfiles('alpha', [nova, sonnet])
    const arns = (project.status?.inferenceProfiles ?? []).map((profile) => profile.arn)
    await patch('bedrockprojects', 'alpha', {
      spec: { tags: { environment: 'staging', team: 'search' } },
    })
    for (const arn of arns)
      await eventually(`tags of ${arn} follow the project`, async () => {
        const current = await profileTags(arn)
        return current['environment'] === 'staging' && current['team'] === 'search'
          ? current
          : undefined
      })
    // Drift made outside Kubernetes is repaired too.
    const first = arns[0] ?? ''
    await control.send(new UntagResourceCommand({ resourceARN: first, tagKeys: ['cost_center'] }))
    await eventually('a removed profile tag restored', async () =>
      (await profileTags(first))['cost_center'] === 'cc-42' ? true : undefined,
    )
  })

  it('deletes the profile of a model no route uses any more', async () => {
    const project = await readProject('alpha')
    const novaArn = project.status?.inferenceProfiles?.find((p) => p.modelId === nova)?.arn ?? ''
    expect(novaArn).not.toBe('')
    await patch('modelroutes', 'pair', {
      spec: { backends: [{ kind: 'converse', modelId: sonnet }] },
    })
    await awaitProfiles('alpha', [sonnet])
    expect(await profileExists(novaArn)).toBe(false)
  })

  it('creates a profile deleted outside Strata again', async () => {
    const arn = (await readProject('alpha')).status?.inferenceProfiles?.[0]?.arn ?? ''
    await control.send(new DeleteInferenceProfileCommand({ inferenceProfileIdentifier: arn }))
    const project = await eventually('a new profile recorded', async () => {
      const current = await readProject('alpha')
      const now = current.status?.inferenceProfiles?.[0]?.arn
      return now && now !== arn ? current : undefined
    })
    expect(await profileExists(project.status?.inferenceProfiles?.[0]?.arn ?? '')).toBe(true)
  })

  it('re-creates a Bedrock project that vanished, and republishes its routes with the new id', async () => {
    const gone = (await readProject('beta')).status?.projectId ?? ''
    await bedrock.forgetProject(gone)
    const project = await eventually('a new Bedrock project recorded', async () => {
      const current = await readProject('beta')
      const id = current.status?.projectId
      return id && id !== gone && condition(current.status?.conditions)?.status === 'True'
        ? current
        : undefined
    })
    const fresh = project.status?.projectId ?? ''
    await eventually('the table serving the new id, not the old', async () => {
      const ids = await tableProjectIds()
      return ids.includes(fresh) && !ids.includes(gone) ? true : undefined
    })
    await awaitRouteReady('newcomer')
  })

  it('under missingProjectPolicy Report, takes the routes of a vanished project out of service', async () => {
    await createProject('gamma', { missingProjectPolicy: 'Report' })
    const id = (await awaitProjectReady('gamma')).status?.projectId ?? ''
    await createRoute('gamma-chat', 'gamma', [sonnet])
    await awaitRouteReady('gamma-chat')
    expect(await tableProjectIds()).toContain(id)
    await bedrock.forgetProject(id)
    const route = await awaitRouteReady('gamma-chat', 'False')
    expect(condition(route.status?.conditions)?.reason).toBe('ProjectMissing')
    expect(route.status?.routingTableVersion).toBeUndefined()
    expect(await tableProjectIds()).not.toContain(id)
    const project = await readProject('gamma')
    expect(condition(project.status?.conditions)?.reason).toBe('ProjectMissing')
    expect(project.status?.projectId).toBe(id)
  })

  it.each([
    ['Archive', false],
    ['Retain', true],
  ] as const)(
    'on delete with deletionPolicy %s, the profiles are kept: %s',
    async (policy, kept) => {
      const name = `leaving-${policy.toLowerCase()}`
      await createProject(name, { deletionPolicy: policy })
      await awaitProjectReady(name)
      await createRoute(`${name}-chat`, name, [sonnet])
      const arn = (await awaitProfiles(name, [sonnet])).status?.inferenceProfiles?.[0]?.arn ?? ''
      expect(await profileExists(arn)).toBe(true)
      await custom.deleteNamespacedCustomObject({ ...objects, plural: 'bedrockprojects', name })
      await eventually(`BedrockProject ${name} gone`, async () =>
        readProject(name).then(
          () => undefined,
          (error: unknown) => (statusCode(error) === 404 ? true : undefined),
        ),
      )
      expect(await profileExists(arn)).toBe(kept)
    },
  )

  it('exits with a plain message when its namespace does not exist', async () => {
    const stray = await startOperatorProcess({
      workDirectory: suite.workDirectory,
      kubeconfig,
      namespace: `missing-${suffix}`,
      emulatorUrl: suite.emulator.url,
    })
    const code = await Promise.race([
      stray.process.exited,
      new Promise((resolve) => setTimeout(() => resolve('still running'), 15_000)),
    ])
    await stray.stop()
    expect(code).toBe(1)
    const log = await stray.log()
    const messages = log
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => (JSON.parse(line) as { message: string }).message)
    expect(messages.join('\n')).toContain(`namespace "missing-${suffix}" does not exist`)
    expect(log).not.toContain('Headers:')
  }, 30_000)
})

function index(name: string): number {
  return Number(name.split('-').at(-1))
}
