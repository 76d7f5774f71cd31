// ServiceAccount-token auth against the real apiserver: the gateway runs as a process with its own
// ServiceAccount, allowed only to create TokenReviews, and callers use the official `openai` client
// with a projected token (audience `strata`) as the API key. No key, no shared secret.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createEmulatorClient } from '../emulator/emulator-client.ts'
import {
  startEmulatorProcess,
  startGatewayProcess,
  type RunningProcess,
} from '../support/processes.ts'
import { clusterClients } from '../support/kube.ts'

const { config, core, rbac } = clusterClients(inject('kubeconfig'))

const id = Date.now().toString(36)
const gatewayNs = `sa-gw-${id}`
const appsNs = `sa-apps-${id}`
const sharedNs = `sa-shared-${id}`
const strangerNs = `sa-stranger-${id}`
const clusterRole = `strata-gateway-tokenreview-${id}`
const CLAUDE = 'us.anthropic.claude-sonnet-4-6'
const NOVA = 'amazon.nova-lite-v1:0'

const table = {
  apiVersion: 'strata.dev/v1alpha1',
  kind: 'RoutingTable',
  version: 1,
  generatedAt: new Date().toISOString(),
  projects: [
    {
      name: 'research',
      namespace: 'team',
      projectId: 'proj_research',
      keys: [],
      access: { serviceAccounts: [{ namespace: appsNs, name: 'mapped' }], namespaces: [sharedNs] },
      routes: [
        {
          name: 'chat',
          namespace: 'team',
          model: 'chat',
          backends: [{ kind: 'converse', modelId: CLAUDE, region: 'us-east-1' }],
        },
      ],
    },
    {
      name: 'billing',
      namespace: 'team',
      projectId: 'proj_billing',
      keys: [],
      access: { namespaces: [sharedNs] },
      routes: [
        {
          name: 'chat',
          namespace: 'team',
          model: 'chat',
          backends: [{ kind: 'converse', modelId: NOVA, region: 'us-east-1' }],
        },
      ],
    },
  ],
}

let directory: string
// Undefined until beforeAll has started them, so a failed start still cleans up what did start.
let emulator: RunningProcess | undefined
let gateway: RunningProcess | undefined
const tokens: Record<string, string> = {}

async function serviceAccountToken(namespace: string, name: string, audience: string) {
  const answer = await core.createNamespacedServiceAccountToken({
    namespace,
    name,
    body: { spec: { audiences: [audience], expirationSeconds: 3600 } },
  })
  const token = answer.status?.token
  if (!token) throw new Error(`no token for ${namespace}/${name}`)
  return token
}

async function createServiceAccount(namespace: string, name: string): Promise<void> {
  await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } })
}

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'strata-sa-auth-'))
  for (const name of [gatewayNs, appsNs, sharedNs, strangerNs])
    await core.createNamespace({ body: { metadata: { name } } })
  // The gateway's own identity: it may create TokenReviews and nothing else.
  await createServiceAccount(gatewayNs, 'strata-gateway')
  await rbac.createClusterRole({
    body: {
      metadata: { name: clusterRole },
      rules: [
        { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
      ],
    },
  })
  await rbac.createClusterRoleBinding({
    body: {
      metadata: { name: clusterRole },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRole },
      subjects: [{ kind: 'ServiceAccount', name: 'strata-gateway', namespace: gatewayNs }],
    },
  })
  const gatewayToken = await core.createNamespacedServiceAccountToken({
    namespace: gatewayNs,
    name: 'strata-gateway',
    body: { spec: { audiences: [] } },
  })
  const cluster = config.getCurrentCluster()
  const tokenFile = join(directory, 'gateway-token')
  const caFile = join(directory, 'ca.crt')
  writeFileSync(tokenFile, gatewayToken.status?.token ?? '')
  writeFileSync(caFile, Buffer.from(cluster?.caData ?? '', 'base64'))

  await createServiceAccount(appsNs, 'mapped')
  await createServiceAccount(sharedNs, 'both')
  await createServiceAccount(strangerNs, 'unmapped')
  tokens['mapped'] = await serviceAccountToken(appsNs, 'mapped', 'strata')
  tokens['both'] = await serviceAccountToken(sharedNs, 'both', 'strata')
  tokens['unmapped'] = await serviceAccountToken(strangerNs, 'unmapped', 'strata')
  tokens['wrongAudience'] = await serviceAccountToken(appsNs, 'mapped', 'vault')

  emulator = await startEmulatorProcess(directory)
  gateway = await startGatewayProcess({
    workDirectory: directory,
    table,
    emulatorUrl: emulator.url,
    extraArgs: [
      '--service-account-auth',
      '--kube-api',
      cluster?.server ?? '',
      '--kube-token-file',
      tokenFile,
      '--kube-ca-file',
      caFile,
    ],
  })
})

afterAll(async () => {
  await Promise.allSettled([gateway?.stop(), emulator?.stop()])
  await Promise.allSettled([
    ...[gatewayNs, appsNs, sharedNs, strangerNs].map((name) => core.deleteNamespace({ name })),
    rbac.deleteClusterRoleBinding({ name: clusterRole }),
    rbac.deleteClusterRole({ name: clusterRole }),
  ])
  rmSync(directory, { recursive: true, force: true })
})

function started(process: RunningProcess | undefined): RunningProcess {
  if (process === undefined) throw new Error('the gateway and emulator did not start')
  return process
}

const client = (apiKey: string, project?: string) =>
  new OpenAI({
    baseURL: `${started(gateway).url}/v1`,
    apiKey,
    maxRetries: 0,
    ...(project === undefined ? {} : { project }),
  })

async function refusal(call: Promise<unknown>) {
  const error: unknown = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(OpenAI.APIError)
  const { status, code } = error as InstanceType<typeof OpenAI.APIError>
  return { status, code }
}

async function reviews(outcome: string): Promise<number> {
  const text = await (await fetch(`${started(gateway).url}/metrics`)).text()
  const line = text
    .split('\n')
    .find((candidate) =>
      candidate.startsWith(`strata_gateway_token_reviews_total{outcome="${outcome}"}`),
    )
  return line === undefined ? 0 : Number(line.split(' ').at(-1))
}

const ask = [{ role: 'user' as const, content: 'who am I?' }]

describe('ServiceAccount tokens as API keys', () => {
  it('accepts a mapped ServiceAccount, and reviews its token once', async () => {
    const mapped = client(tokens['mapped'] ?? '')
    let startedAt = performance.now()
    const answer = await mapped.chat.completions.create({ model: 'chat', messages: ask })
    const reviewedMs = performance.now() - startedAt
    expect(answer.choices[0]?.message.content).toBe('Echo: who am I?')
    startedAt = performance.now()
    const models = await mapped.models.list()
    const cachedMs = performance.now() - startedAt
    process.stdout.write(
      `first request with TokenReview: ${reviewedMs.toFixed(1)} ms; /v1/models with the cached verdict: ${cachedMs.toFixed(1)} ms\n`,
    )
    expect(models.data.map((model) => [model.id, model.owned_by])).toEqual([['chat', 'research']])
    await mapped.chat.completions.create({ model: 'chat', messages: ask })
    const calls = await createEmulatorClient(started(emulator).url).requests()
    expect(
      calls.filter((call) => call.operation === 'converse').map((call) => call.modelId),
    ).toEqual([CLAUDE, CLAUDE])
    // Three requests, one TokenReview: the verdict came from the cache after the first.
    expect(await reviews('authenticated')).toBe(1)
  })

  it('refuses a ServiceAccount no project lists with 401', async () => {
    const outcome = await refusal(
      client(tokens['unmapped'] ?? '').chat.completions.create({ model: 'chat', messages: ask }),
    )
    expect(outcome).toEqual({ status: 401, code: 'service_account_not_allowed' })
  })

  it('refuses a token minted for another audience with 401', async () => {
    const before = await reviews('rejected')
    const outcome = await refusal(
      client(tokens['wrongAudience'] ?? '').chat.completions.create({
        model: 'chat',
        messages: ask,
      }),
    )
    expect(outcome).toEqual({ status: 401, code: 'invalid_api_key' })
    expect(await reviews('rejected')).toBe(before + 1)
  })

  it('makes a ServiceAccount allowed into two projects name one', async () => {
    const both = tokens['both'] ?? ''
    const outcome = await refusal(
      client(both).chat.completions.create({ model: 'chat', messages: ask }),
    )
    expect(outcome).toEqual({ status: 400, code: 'project_required' })
    const chosen = await client(both, 'proj_billing').chat.completions.create({
      model: 'chat',
      messages: ask,
    })
    expect(chosen.choices[0]?.message.content).toBe('Echo: who am I?')
    const calls = await createEmulatorClient(started(emulator).url).requests()
    expect(calls.at(-1)?.modelId).toBe(NOVA)
    const mismatch = await refusal(client(tokens['mapped'] ?? '', 'proj_billing').models.list())
    expect(mismatch).toEqual({ status: 401, code: 'mismatched_project' })
  })

  it('keeps tokens out of the log', async () => {
    const log = await started(gateway).log()
    expect(log).toContain('listening')
    for (const token of Object.values(tokens)) expect(log).not.toContain(token.slice(-40))
  })
})
