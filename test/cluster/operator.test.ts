// strata-operator end to end on the real control plane, with the Bedrock emulator standing in for
// AWS and strata-gateway in in-cluster mode serving what the operator publishes, called through
// the official openai client with the credentials from the generated Secret.
import { createHash } from 'node:crypto'
import { BedrockClient, ListInferenceProfilesCommand } from '@aws-sdk/client-bedrock'
import { EventsV1Api, PatchStrategy, setHeaderOptions, Watch } from '@kubernetes/client-node'
import { bedrockProjectSchema, modelRouteSchema } from '@strata/crds'
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createEmulatorClient, type EmulatorClient } from '../emulator/emulator-client.ts'
import { group, version } from '../support/crd-fixtures.ts'
import { grantGatewayAccess } from '../support/gateway-access.ts'
import { eventually, statusCode } from '../support/kube.ts'
import { operatorSuite } from '../support/operator-suite.ts'
import { startInClusterGateway, type RunningProcess } from '../support/processes.ts'
import { createStrataObject, requiredTags, strataObject } from '../support/strata-objects.ts'

const suite = operatorSuite('operator', inject('kubeconfig'))
const { config, core, custom, system, team } = suite
const events = config.makeApiClient(EventsV1Api)
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch)

let bedrock: EmulatorClient
let gateway: RunningProcess | undefined

async function readProject(name: string) {
  const object: unknown = await custom.getNamespacedCustomObject({
    group,
    version,
    namespace: team,
    plural: 'bedrockprojects',
    name,
  })
  return bedrockProjectSchema.parse(object)
}

async function createProject(
  name: string,
  projectName: string,
  extra: Record<string, unknown> = {},
): Promise<void> {
  await createStrataObject(
    custom,
    strataObject('BedrockProject', team, name, {
      name: projectName,
      region: 'us-east-1',
      tags: requiredTags,
      ...extra,
    }),
  )
}

async function deleteProjectAndAwaitGone(name: string): Promise<void> {
  await custom.deleteNamespacedCustomObject({
    group,
    version,
    namespace: team,
    plural: 'bedrockprojects',
    name,
  })
  await eventually(`BedrockProject ${name} gone`, async () =>
    readProject(name).then(
      () => undefined,
      (error: unknown) => (statusCode(error) === 404 ? true : undefined),
    ),
  )
}

async function createRoute(name: string, alias: string, modelId: string): Promise<void> {
  await createStrataObject(
    custom,
    strataObject('ModelRoute', team, name, {
      projectRef: { name: 'support' },
      model: alias,
      backends: [{ kind: 'converse', modelId }],
    }),
  )
}

async function awaitRouteReason(name: string, type: string, reason: string) {
  return eventually(`${reason} on ModelRoute ${name}`, async () => {
    const current = await readRoute(name)
    return condition(current.status?.conditions, type)?.reason === reason ? current : undefined
  })
}

async function readRoute(name: string) {
  const object: unknown = await custom.getNamespacedCustomObject({
    group,
    version,
    namespace: team,
    plural: 'modelroutes',
    name,
  })
  return modelRouteSchema.parse(object)
}

const condition = (
  conditions: { type: string; status: string; reason: string }[] | undefined,
  type: string,
) => conditions?.find((c) => c.type === type)

interface MantleProject {
  id: string
  name: string
  status: string
  tags: Record<string, string>
}

async function mantleProjects(): Promise<MantleProject[]> {
  const response = await fetch(`${suite.emulator.url}/v1/organization/projects?limit=100`, {
    headers: { authorization: 'Bearer test-key' },
  })
  return ((await response.json()) as { data: MantleProject[] }).data
}

async function awaitReady(name: string, timeoutMs = 30_000) {
  return eventually(
    `BedrockProject ${name} Ready`,
    async () => {
      const project = await readProject(name)
      return condition(project.status?.conditions, 'Ready')?.status === 'True' ? project : undefined
    },
    timeoutMs,
  )
}

beforeAll(async () => {
  await suite.start({ extraArgs: ['--resync-seconds', '5'] })
  bedrock = createEmulatorClient(suite.emulator.url)
}, 120_000)

afterAll(async () => {
  await gateway?.stop()
  await suite.stop()
})

describe('strata-operator', () => {
  it('creates a tagged Bedrock project, reports Ready and writes the credentials Secret', async () => {
    await createProject('support', 'Support Bot')
    const project = await awaitReady('support')
    const remote = (await mantleProjects()).filter((p) => p.name === 'Support Bot')
    expect(remote).toHaveLength(1)
    expect(remote[0]?.tags).toEqual({ ...requiredTags, 'strata.dev/owner': `${team}/support` })
    expect(project.status?.projectId).toBe(remote[0]?.id)
    expect(project.metadata['finalizers']).toEqual(['strata.dev/bedrock-project'])
    const secret = await core.readNamespacedSecret({ name: 'support-openai', namespace: team })
    const key = Buffer.from(secret.data?.['OPENAI_API_KEY'] ?? '', 'base64').toString()
    expect(key).toMatch(/^sk-strata-/)
    expect(project.status?.clientKeys?.[0]?.sha256).toBe(
      createHash('sha256').update(key).digest('hex'),
    )
    expect(JSON.stringify(project.status)).not.toContain(key)
  })

  it('publishes routes; the in-cluster gateway serves them to an openai client using the Secret', async () => {
    await createRoute('chat', 'support-chat', 'anthropic.claude-sonnet-4-6')
    const route = await awaitRouteReason('chat', 'Ready', 'Served')
    expect(route.status?.routingTableVersion).toMatch(/^\d+$/)
    const project = await eventually('inference profile on the project', async () => {
      const current = await readProject('support')
      return current.status?.inferenceProfiles?.length ? current : undefined
    })
    const profileArn = project.status?.inferenceProfiles?.[0]?.arn ?? ''
    expect(profileArn).toContain('application-inference-profile/')
    const profiles = await new BedrockClient({
      region: 'us-east-1',
      endpoint: suite.emulator.url,
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'x' },
    }).send(new ListInferenceProfilesCommand({ typeEquals: 'APPLICATION' }))
    const tagged = profiles.inferenceProfileSummaries?.find(
      (p) => p.inferenceProfileArn === profileArn,
    )
    expect(tagged?.models?.[0]?.modelArn).toContain('anthropic.claude-sonnet-4-6')

    // The gateway authenticates to the apiserver as a ServiceAccount allowed only to read the table.
    const { workDirectory } = suite
    const access = await grantGatewayAccess(config, system, workDirectory)
    gateway = await startInClusterGateway({
      workDirectory,
      access,
      namespace: system,
      emulatorUrl: suite.emulator.url,
    })

    const secret = await core.readNamespacedSecret({ name: 'support-openai', namespace: team })
    const apiKey = Buffer.from(secret.data?.['OPENAI_API_KEY'] ?? '', 'base64').toString()
    expect(Buffer.from(secret.data?.['OPENAI_BASE_URL'] ?? '', 'base64').toString()).toBe(
      `http://strata-gateway.${system}.svc/v1`,
    )
    // The Secret names the in-cluster Service; outside a cluster we reach the same gateway directly.
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey, maxRetries: 0 })
    const before = (await bedrock.requests()).length
    const reply = await client.chat.completions.create({
      model: 'support-chat',
      messages: [{ role: 'user', content: 'hello there' }],
    })
    expect(reply.choices[0]?.message.content).toBe('Echo: hello there')
    const sent = (await bedrock.requests()).slice(before).filter((r) => r.operation === 'converse')
    expect(sent.at(-1)?.modelId).toBe(profileArn)
  }, 60_000)

  it('serves an edited route within a second of the apply', async () => {
    const secret = await core.readNamespacedSecret({ name: 'support-openai', namespace: team })
    const apiKey = Buffer.from(secret.data?.['OPENAI_API_KEY'] ?? '', 'base64').toString()
    const latencies: number[] = []
    for (let edit = 1; edit <= 5; edit++) {
      const alias = `support-chat-v${String(edit)}`
      const started = Date.now()
      await custom.patchNamespacedCustomObject(
        {
          group,
          version,
          namespace: team,
          plural: 'modelroutes',
          name: 'chat',
          body: { spec: { model: alias } },
        },
        mergePatch,
      )
      await eventually(
        `alias ${alias} served`,
        async () => {
          const response = await fetch(`${gateway?.url ?? ''}/v1/models`, {
            headers: { authorization: `Bearer ${apiKey}` },
          })
          const models = (await response.json()) as { data: { id: string }[] }
          return models.data.some((m) => m.id === alias) || undefined
        },
        10_000,
        10,
      )
      latencies.push(Date.now() - started)
    }
    latencies.sort((a, b) => a - b)
    process.stdout.write(
      `apply-to-served latency over 5 edits: min ${String(latencies[0])} ms, median ${String(latencies[2])} ms, max ${String(latencies[4])} ms\n`,
    )
    expect(latencies[2]).toBeLessThan(1_000)
  }, 60_000)

  it('rotates the key on request, keeping the old one valid through its grace period', async () => {
    const readKey = async () => {
      const secret = await core.readNamespacedSecret({ name: 'support-openai', namespace: team })
      return Buffer.from(secret.data?.['OPENAI_API_KEY'] ?? '', 'base64').toString()
    }
    const oldKey = await readKey()
    await custom.patchNamespacedCustomObject(
      {
        group,
        version,
        namespace: team,
        plural: 'bedrockprojects',
        name: 'support',
        body: { metadata: { annotations: { 'strata.dev/rotate-key': 'r1' } } },
      },
      mergePatch,
    )
    const newKey = await eventually('a new key in the Secret', async () => {
      const key = await readKey()
      return key !== oldKey ? key : undefined
    })
    const models = async (key: string) =>
      (
        await fetch(`${gateway?.url ?? ''}/v1/models`, {
          headers: { authorization: `Bearer ${key}` },
        })
      ).status
    await eventually('the new key served', async () =>
      (await models(newKey)) === 200 ? true : undefined,
    )
    expect(await models(oldKey)).toBe(200)
    const keys = (await readProject('support')).status?.clientKeys ?? []
    expect(keys).toHaveLength(2)
    expect(keys[1]?.notAfter).toBeDefined()
  })

  it('refuses a second route claiming the same alias, and keeps serving the older one', async () => {
    await createRoute('chat-copy', 'support-chat-v5', 'amazon.nova-lite-v1:0')
    const loser = await awaitRouteReason('chat-copy', 'Accepted', 'AliasConflict')
    expect(condition(loser.status?.conditions, 'Accepted')?.status).toBe('False')
    expect(condition(loser.status?.conditions, 'Ready')?.status).toBe('False')
    expect(condition((await readRoute('chat')).status?.conditions, 'Ready')?.status).toBe('True')
  })

  it('does not serve a route to a model Bedrock does not offer, and says why', async () => {
    await createRoute('typo', 'typo', 'anthropic.claude-sonet-4-6')
    const route = await awaitRouteReason('typo', 'ResolvedRefs', 'ModelNotFound')
    expect(condition(route.status?.conditions, 'Ready')?.status).toBe('False')
    expect(route.status?.routingTableVersion).toBeUndefined()
  })

  it('refuses to start a rollout without Prometheus, says why, and sends the candidate nothing', async () => {
    // This operator runs without --prometheus-url.
    await custom.createNamespacedCustomObject({
      group,
      version,
      namespace: team,
      plural: 'modelroutes',
      body: {
        apiVersion: `${group}/${version}`,
        kind: 'ModelRoute',
        metadata: { name: 'blind-rollout', namespace: team },
        spec: {
          projectRef: { name: 'support' },
          model: 'blind-rollout',
          backends: [
            { name: 'stable', kind: 'converse', modelId: 'amazon.nova-lite-v1:0' },
            { name: 'candidate', kind: 'converse', modelId: 'amazon.nova-pro-v1:0', weight: 5 },
          ],
          rollout: {
            stable: 'stable',
            candidate: 'candidate',
            steps: [{ weight: 50, durationSeconds: 1 }],
            gates: { errorRate: { maxIncreasePercent: 1 } },
          },
        },
      },
    })
    const route = await awaitRouteReason('blind-rollout', 'Rollout', 'PrometheusNotConfigured')
    expect(route.status?.rollout).toMatchObject({ phase: 'Blocked', weight: 0, step: 0 })
    expect(condition(route.status?.conditions, 'Rollout')?.status).toBe('False')
    // The route itself is served, with the stable backend only: the rollout owns the weights.
    expect(condition(route.status?.conditions, 'Ready')?.status).toBe('True')
    const entry = (await suite.publishedTable()).projects
      .flatMap((project) => project.routes)
      .find((r) => r.name === 'blind-rollout')
    expect(entry?.backends.map((b) => [b.name, b.weight])).toEqual([
      ['stable', 1000],
      ['candidate', 0],
    ])
    const reasons = await events.listNamespacedEvent({
      namespace: team,
      fieldSelector: 'regarding.name=blind-rollout',
    })
    expect(reasons.items.map((event) => event.reason)).toContain('PrometheusNotConfigured')
  })

  it('backs off on Bedrock throttling with a condition reason and an Event, then recovers', async () => {
    // Conditions flip back within milliseconds once Bedrock recovers, so every version is watched.
    const readyReasons: string[] = []
    const watch = await new Watch(config).watch(
      `/apis/${group}/${version}/namespaces/${team}/bedrockprojects`,
      { fieldSelector: 'metadata.name=billing' },
      (_phase, object: unknown) => {
        const parsed = bedrockProjectSchema.safeParse(object)
        const reason = parsed.success
          ? condition(parsed.data.status?.conditions, 'Ready')?.reason
          : undefined
        if (reason && readyReasons.at(-1) !== reason) readyReasons.push(reason)
      },
      () => undefined,
    )
    try {
      await bedrock.script({
        match: { operation: 'list-projects' },
        times: 3,
        scenario: { fault: { kind: 'error', exception: 'ThrottlingException' } },
      })
      await createProject('billing', 'Billing Bot')
      await awaitReady('billing')
      await eventually('Ready observed after BedrockThrottled', () =>
        readyReasons.at(-1) === 'Ready' ? true : undefined,
      )
      expect(readyReasons).toContain('BedrockThrottled')
      expect(readyReasons.indexOf('BedrockThrottled')).toBeLessThan(
        readyReasons.lastIndexOf('Ready'),
      )
    } finally {
      watch.abort()
    }
    const list = await events.listNamespacedEvent({ namespace: team })
    expect(
      list.items.some(
        (e) =>
          e.regarding?.name === 'billing' &&
          e.reason === 'BedrockThrottled' &&
          e.type === 'Warning',
      ),
    ).toBe(true)
    const metrics = await (await fetch(`${suite.operator.url}/metrics`)).text()
    const errors =
      /controller_runtime_reconcile_errors_total\{controller="bedrockproject"\} (\d+)/.exec(metrics)
    expect(Number(errors?.[1])).toBeGreaterThanOrEqual(3)
  }, 60_000)

  it('adopts the project a crashed create left behind instead of creating a duplicate', async () => {
    // What a crash between the create call and the status write leaves: an owned project, no status.
    await fetch(`${suite.emulator.url}/v1/organization/projects`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-key', 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Orphan Bot',
        tags: { ...requiredTags, 'strata.dev/owner': `${team}/orphan` },
      }),
    })
    await createProject('orphan', 'Orphan Bot')
    const project = await awaitReady('orphan')
    const named = (await mantleProjects()).filter((p) => p.name === 'Orphan Bot')
    expect(named).toHaveLength(1)
    expect(project.status?.projectId).toBe(named[0]?.id)
  })

  it('creates no duplicate when the operator is killed while a create is in flight', async () => {
    // Bedrock creates the project, then the answer is slow: the operator dies holding no reply.
    await bedrock.script({
      match: { operation: 'create-project' },
      scenario: { firstTokenDelayMs: 10_000 },
    })
    await createProject('crash', 'Crash Bot')
    await eventually(
      'the project to exist in Bedrock',
      async () => (await mantleProjects()).some((p) => p.name === 'Crash Bot') || undefined,
    )
    process.kill(suite.operator.process.pid, 'SIGKILL')
    expect((await readProject('crash')).status?.projectId).toBeUndefined()
    await suite.startOperator(['--resync-seconds', '5'])
    // The new process must first wait out the dead leader's lease (15 s).
    const project = await awaitReady('crash', 45_000)
    const named = (await mantleProjects()).filter((p) => p.name === 'Crash Bot')
    expect(named).toHaveLength(1)
    expect(project.status?.projectId).toBe(named[0]?.id)
  }, 60_000)

  it('repairs tags edited outside Kubernetes on the next resync', async () => {
    const project = await readProject('support')
    const id = project.status?.projectId ?? ''
    await fetch(`${suite.emulator.url}/v1/organization/projects/${id}`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-key', 'content-type': 'application/json' },
      body: JSON.stringify({ add_tags: { environment: 'prod', console: 'edited' } }),
    })
    await eventually(
      'tags restored',
      async () => {
        const remote = (await mantleProjects()).find((p) => p.id === id)
        return remote?.tags['environment'] === 'test' && !('console' in remote.tags)
          ? true
          : undefined
      },
      20_000,
    )
  }, 30_000)

  it('archives the project on delete, removes the finalizer, and the Secret is garbage-collected', async () => {
    const id = (await readProject('support')).status?.projectId
    await deleteProjectAndAwaitGone('support')
    const remote = (await mantleProjects()).find((p) => p.id === id)
    expect(remote?.status).toBe('archived')
    await eventually(
      'credentials Secret collected',
      async () =>
        core.readNamespacedSecret({ name: 'support-openai', namespace: team }).then(
          () => undefined,
          (error: unknown) => (statusCode(error) === 404 ? true : undefined),
        ),
      75_000,
    )
  }, 90_000)

  it('leaves the Bedrock project active on delete when deletionPolicy is Retain', async () => {
    await createProject('kept', 'Kept Bot', { deletionPolicy: 'Retain' })
    const id = (await awaitReady('kept')).status?.projectId
    await deleteProjectAndAwaitGone('kept')
    expect((await mantleProjects()).find((p) => p.id === id)?.status).toBe('active')
  })

  it('fails over to a standby operator when the leader dies', async () => {
    // The standby becomes the suite's operator: afterAll stops it, and the leader is dead.
    const leader = suite.operator
    await suite.startOperator()
    process.kill(leader.process.pid, 'SIGKILL')
    const killedAt = Date.now()
    await createProject('after', 'After Failover')
    await awaitReady('after', 40_000)
    process.stdout.write(
      `leader killed → new project Ready on the standby: ${String(Date.now() - killedAt)} ms\n`,
    )
  }, 60_000)
})
