// Limits without Redis against the real apiserver: a gateway process, authenticated as the chart's
// gateway ServiceAccount would be (a Role that may only list endpointslices in its namespace),
// counts the ready endpoints of its Service and admits its share of a route's requests per minute.
// The Service has no selector, so no controller touches the EndpointSlices the test writes by hand:
// first one ready endpoint (and one not ready), then three ready across two slices, one of them
// repeating a pod as a dual-stack Service would.
import { rm } from 'node:fs/promises'
import { DiscoveryV1Api, type V1Endpoint } from '@kubernetes/client-node'
import OpenAI, { RateLimitError } from 'openai'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { CLAUDE_MODEL_ID } from '../support/journey.ts'
import { grantGatewayAccess, kubeApiFlags } from '../support/gateway-access.ts'
import { clusterClients, eventually } from '../support/kube.ts'
import { LIMITS_KEY, limitsTable } from '../support/limits-world.ts'
import {
  fromLog,
  makeWorkDirectory,
  startEmulatorProcess,
  startGatewayProcess,
  type RunningProcess,
} from '../support/processes.ts'

const { config, core, rbac } = clusterClients(inject('kubeconfig'))
const discovery = config.makeApiClient(DiscoveryV1Api)

const namespace = `replica-share-${Date.now().toString(36)}`
const service = 'strata-gateway'
const RPM = 6

const table = limitsTable([
  { model: 'while-one', modelId: CLAUDE_MODEL_ID, limits: { requestsPerMinute: RPM } },
  { model: 'while-three', modelId: CLAUDE_MODEL_ID, limits: { requestsPerMinute: RPM } },
])

let workDirectory = ''
let emulator: RunningProcess | undefined
let gateway: RunningProcess | undefined

function endpoint(pod: string, ready: boolean, address: string): V1Endpoint {
  return {
    addresses: [address],
    conditions: { ready, serving: ready, terminating: false },
    targetRef: { kind: 'Pod', namespace, name: pod, uid: `uid-${pod}` },
  }
}

async function writeSlice(
  name: string,
  addressType: 'IPv4' | 'IPv6',
  endpoints: V1Endpoint[],
): Promise<void> {
  const body = {
    metadata: {
      name,
      labels: {
        'kubernetes.io/service-name': service,
        'endpointslice.kubernetes.io/managed-by': 'replica-share.test',
      },
    },
    addressType,
    endpoints,
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  }
  const exists = await discovery.readNamespacedEndpointSlice({ namespace, name }).then(
    () => true,
    () => false,
  )
  if (exists) await discovery.replaceNamespacedEndpointSlice({ namespace, name, body })
  else await discovery.createNamespacedEndpointSlice({ namespace, body })
}

/** Sends `count` requests one after another; the limit each answer declares, and how many passed. */
async function burst(client: OpenAI, model: string, count: number) {
  let admitted = 0
  let refused = 0
  const limits = new Set<string>()
  for (let index = 0; index < count; index++) {
    try {
      const { response } = await client.chat.completions
        .create({ model, messages: [{ role: 'user', content: 'hi' }], max_completion_tokens: 8 })
        .withResponse()
      admitted++
      limits.add(response.headers.get('x-ratelimit-limit-requests') ?? 'none')
    } catch (error) {
      if (!(error instanceof RateLimitError)) throw error
      refused++
      limits.add(error.headers.get('x-ratelimit-limit-requests') ?? 'none')
    }
  }
  return { admitted, refused, limits: [...limits] }
}

/** The value of strata_gateway_limits_replicas on the gateway's /metrics. */
async function replicasMetric(): Promise<number | undefined> {
  const text = await (await fetch(`${gateway?.url ?? ''}/metrics`)).text()
  const line = text.split('\n').find((row) => row.startsWith('strata_gateway_limits_replicas '))
  return line === undefined ? undefined : Number(line.split(' ')[1])
}

/** The count the gateway last logged, once it reaches `replicas`. */
async function loggedCount(replicas: number, since: number): Promise<number> {
  const started = Date.now()
  await fromLog(
    gateway ?? { log: () => Promise.resolve('') },
    `replica count ${String(replicas)}`,
    (log) =>
      log
        .split('\n')
        .slice(since)
        .some(
          (line) =>
            line.includes('replica count changed') &&
            line.includes(`"replicas":${String(replicas)}`),
        ) || undefined,
    20_000,
  )
  return Date.now() - started
}

beforeAll(async () => {
  workDirectory = await makeWorkDirectory('replica-share')
  await core.createNamespace({ body: { metadata: { name: namespace } } })
  await core.createNamespacedService({
    namespace,
    body: {
      metadata: { name: service },
      spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
    },
  })
  await writeSlice(`${service}-ipv4`, 'IPv4', [
    endpoint('gateway-a', true, '10.1.0.1'),
    endpoint('gateway-b', false, '10.1.0.2'),
  ])
  // The gateway's own identity: list endpointslices in its namespace, the chart's rule, nothing else.
  const access = await grantGatewayAccess(config, namespace, workDirectory, [
    { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list'] },
  ])
  emulator = await startEmulatorProcess(workDirectory)
  gateway = await startGatewayProcess({
    workDirectory,
    table,
    emulatorUrl: emulator.url,
    extraArgs: [...kubeApiFlags(access), '--replicas-service', `${namespace}/${service}`],
  })
}, 60_000)

afterAll(async () => {
  await gateway?.stop()
  await emulator?.stop()
  await core.deleteNamespace({ name: namespace }).catch(() => undefined)
  if (workDirectory) await rm(workDirectory, { recursive: true, force: true })
})

describe('per-replica limit shares from the live replica count', () => {
  it('admits the whole limit with one ready replica, and a third of it with three', async () => {
    const client = new OpenAI({
      baseURL: `${gateway?.url ?? ''}/v1`,
      apiKey: LIMITS_KEY,
      maxRetries: 0,
      timeout: 20_000,
    })
    await loggedCount(1, 0)
    expect(await replicasMetric()).toBe(1)
    const one = await burst(client, 'while-one', 10)
    process.stdout.write(`1 ready endpoint, RPM ${String(RPM)}: ${JSON.stringify(one)}\n`)
    // A bucket refills at RPM per minute: 0.1 a second here, so a slow burst may earn one more.
    expect(one.admitted).toBeGreaterThanOrEqual(RPM)
    expect(one.admitted).toBeLessThanOrEqual(RPM + 1)
    expect(one.limits).toEqual([String(RPM)])

    const linesBefore = ((await gateway?.log()) ?? '').split('\n').length - 1
    const changedAt = Date.now()
    await writeSlice(`${service}-ipv4`, 'IPv4', [
      endpoint('gateway-a', true, '10.1.0.1'),
      endpoint('gateway-b', true, '10.1.0.2'),
      endpoint('gateway-c', false, '10.1.0.3'),
    ])
    await writeSlice(`${service}-ipv6`, 'IPv6', [
      endpoint('gateway-a', true, 'fd00::1'),
      endpoint('gateway-d', true, 'fd00::4'),
    ])
    await loggedCount(3, linesBefore)
    expect(await replicasMetric()).toBe(3)
    process.stdout.write(`EndpointSlices changed → share followed: ${Date.now() - changedAt} ms\n`)
    const three = await burst(client, 'while-three', 10)
    process.stdout.write(`3 ready endpoints, RPM ${String(RPM)}: ${JSON.stringify(three)}\n`)
    expect(three.admitted).toBeGreaterThanOrEqual(RPM / 3)
    expect(three.admitted).toBeLessThanOrEqual(RPM / 3 + 1)
    expect(three.limits).toEqual([String(RPM / 3)])
  }, 60_000)

  it('keeps serving with the last count when it may no longer read the slices', async () => {
    await rbac.deleteNamespacedRoleBinding({ namespace, name: 'strata-gateway' })
    await eventually(
      'the unreadable count logged',
      async () =>
        ((await gateway?.log()) ?? '').includes('replica count unreadable') ? true : undefined,
      20_000,
    )
    // Two more polls fail (every 5 s) without another line.
    await new Promise((resolve) => setTimeout(resolve, 11_000))
    const log = (await gateway?.log()) ?? ''
    expect(log).toMatch(/replica count unreadable \(.*403.*\); keeping 3/)
    expect(log.split('replica count unreadable').length - 1).toBe(1)
    // Still a third of the limit: the last known count holds.
    const client = new OpenAI({
      baseURL: `${gateway?.url ?? ''}/v1`,
      apiKey: LIMITS_KEY,
      maxRetries: 0,
      timeout: 20_000,
    })
    expect((await burst(client, 'while-three', 1)).limits).toEqual([String(RPM / 3)])
    const answer = await fetch(`${gateway?.url ?? ''}/healthz`)
    expect(answer.status).toBe(200)
  }, 45_000)
})
