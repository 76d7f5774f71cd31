// The whole chain for ServiceAccount access and guardrails: a BedrockProject with spec.access and
// a guardrail, a ModelRoute with its own guardrail, the operator publishing them in the routing
// table, and the in-cluster gateway (ServiceAccount auth on) serving a ServiceAccount the project
// lists, with the route's guardrail applied. No key is used anywhere.
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createEmulatorClient } from '../emulator/emulator-client.ts'
import { GUARDRAIL_TRIGGER_WORD } from '../emulator/guardrails.ts'
import { grantGatewayAccess } from '../support/gateway-access.ts'
import { eventually } from '../support/kube.ts'
import { operatorSuite } from '../support/operator-suite.ts'
import { startInClusterGateway, type RunningProcess } from '../support/processes.ts'
import { createStrataObject, strataObject } from '../support/strata-objects.ts'

const suite = operatorSuite('ag', inject('kubeconfig'))
const { config, core, custom, rbac, suffix, system, team } = suite
const apps = `apps-ag-${suffix}`
const reviewRole = `strata-ag-tokenreview-${suffix}`

let gateway: RunningProcess | undefined

beforeAll(async () => {
  await suite.start()
  await core.createNamespace({ body: { metadata: { name: apps } } })
}, 120_000)

afterAll(async () => {
  await gateway?.stop()
  await suite.stop()
  await Promise.allSettled([
    core.deleteNamespace({ name: apps }),
    rbac.deleteClusterRoleBinding({ name: reviewRole }),
    rbac.deleteClusterRole({ name: reviewRole }),
  ])
})

describe('access lists and guardrails from the CRDs to the gateway', () => {
  it('publishes spec.access and both guardrails, and serves a listed ServiceAccount', async () => {
    await createStrataObject(
      custom,
      strataObject('BedrockProject', team, 'research', {
        name: `Research ${suffix}`,
        region: 'us-east-1',
        tags: { owner: 'a', cost_center: 'b', environment: 'c', data_classification: 'd' },
        access: { serviceAccounts: [{ namespace: apps, name: 'notebook' }] },
        guardrail: { identifier: 'gr0project', version: '1' },
      }),
    )
    await createStrataObject(
      custom,
      strataObject('ModelRoute', team, 'chat', {
        projectRef: { name: 'research' },
        model: 'chat',
        backends: [{ kind: 'converse', modelId: 'anthropic.claude-sonnet-4-6' }],
        guardrail: { identifier: 'gr0route', version: '2' },
      }),
    )
    const project = await eventually(
      'the project and its route in the published table',
      async () => {
        const table = await suite.publishedTable().catch(() => undefined)
        const found = table?.projects.find((p) => p.namespace === team && p.name === 'research')
        return found?.routes.length ? found : undefined
      },
      60_000,
    )
    expect(project.access).toEqual({ serviceAccounts: [{ namespace: apps, name: 'notebook' }] })
    expect(project.guardrail).toEqual({ identifier: 'gr0project', version: '1' })
    expect(project.routes[0]?.guardrail).toEqual({ identifier: 'gr0route', version: '2' })

    // The gateway as a pod would run it: reads the table, and may create TokenReviews.
    const { emulator, workDirectory } = suite
    const access = await grantGatewayAccess(config, system, workDirectory)
    await rbac.createClusterRole({
      body: {
        metadata: { name: reviewRole },
        rules: [
          { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
        ],
      },
    })
    await rbac.createClusterRoleBinding({
      body: {
        metadata: { name: reviewRole },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: reviewRole },
        subjects: [{ kind: 'ServiceAccount', name: 'strata-gateway', namespace: system }],
      },
    })
    gateway = await startInClusterGateway({
      workDirectory,
      access,
      namespace: system,
      emulatorUrl: emulator.url,
      env: { STRATA_SERVICE_ACCOUNT_AUTH: 'true' },
    })

    await core.createNamespacedServiceAccount({
      namespace: apps,
      body: { metadata: { name: 'notebook' } },
    })
    const token = await core.createNamespacedServiceAccountToken({
      namespace: apps,
      name: 'notebook',
      body: { spec: { audiences: ['strata'], expirationSeconds: 3600 } },
    })
    const client = new OpenAI({
      baseURL: `${gateway.url}/v1`,
      apiKey: token.status?.token ?? '',
      maxRetries: 0,
    })
    const reply = await eventually('the gateway serving the route', () =>
      client.chat.completions
        .create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] })
        .catch(() => undefined),
    )
    expect(reply.choices[0]?.message.content).toBe('Echo: hi')
    const blocked: unknown = await client.chat.completions
      .create({ model: 'chat', messages: [{ role: 'user', content: GUARDRAIL_TRIGGER_WORD }] })
      .then(
        () => undefined,
        (error: unknown) => error,
      )
    expect(blocked).toMatchObject({ status: 400, code: 'content_filter' })
    const sent = (await createEmulatorClient(emulator.url).requests()).filter(
      (request) => request.operation === 'converse',
    )
    expect((sent.at(-1)?.body as Record<string, unknown>)['guardrailConfig']).toMatchObject({
      guardrailIdentifier: 'gr0route',
      guardrailVersion: '2',
    })
  }, 120_000)
})
