// The operator rides out an apiserver restart: its watches break, it reconnects with backoff and
// re-lists, and objects created after the restart are reconciled. This file restarts the
// apiserver, so it runs its own control plane rather than the one the other cluster tests share.
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node'
import { bedrockProjectSchema } from '@strata/crds'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startControlPlane, type ControlPlane } from '../control-plane/control-plane.ts'
import { installCrds } from '../support/crds.ts'
import { eventually, kubeConfigFrom } from '../support/kube.ts'
import {
  makeWorkDirectory,
  startEmulatorProcess,
  startOperatorProcess,
  type RunningProcess,
} from '../support/processes.ts'

const tags = { owner: 'a', cost_center: 'b', environment: 'c', data_classification: 'd' }
let plane: ControlPlane
let emulator: RunningProcess
let operator: RunningProcess

beforeAll(async () => {
  plane = await startControlPlane()
  const workDirectory = await makeWorkDirectory('restart')
  emulator = await startEmulatorProcess(workDirectory)
  await installCrds(kubeConfigFrom(plane.kubeconfig))
  operator = await startOperatorProcess({
    workDirectory,
    kubeconfig: plane.kubeconfig,
    namespace: 'default',
    emulatorUrl: emulator.url,
  })
}, 120_000)

afterAll(async () => {
  await operator.stop()
  await emulator.stop()
  await plane.stop()
})

async function createAndAwaitReady(name: string): Promise<void> {
  // A fresh client each time: the restart must not depend on the test's own connections.
  const custom = kubeConfigFrom(plane.kubeconfig).makeApiClient(CustomObjectsApi)
  await eventually(`create ${name}`, () =>
    custom.createNamespacedCustomObject({
      group: 'strata.dev',
      version: 'v1alpha1',
      namespace: 'default',
      plural: 'bedrockprojects',
      body: {
        apiVersion: 'strata.dev/v1alpha1',
        kind: 'BedrockProject',
        metadata: { name },
        spec: { name, region: 'us-east-1', tags },
      },
    }),
  )
  await eventually(
    `${name} Ready`,
    async () => {
      const object: unknown = await custom.getNamespacedCustomObject({
        group: 'strata.dev',
        version: 'v1alpha1',
        namespace: 'default',
        plural: 'bedrockprojects',
        name,
      })
      const ready = bedrockProjectSchema
        .parse(object)
        .status?.conditions?.find((c) => c.type === 'Ready')
      return ready?.status === 'True' || undefined
    },
    45_000,
  )
}

describe('apiserver restart', () => {
  it('resumes reconciling after the apiserver comes back', async () => {
    await createAndAwaitReady('before-restart')
    const restartedAt = Date.now()
    await plane.restartApiserver()
    process.stdout.write(`apiserver restarted in ${String(Date.now() - restartedAt)} ms\n`)
    await kubeConfigFrom(plane.kubeconfig)
      .makeApiClient(CoreV1Api)
      .readNamespace({ name: 'default' })
    const createdAt = Date.now()
    await createAndAwaitReady('after-restart')
    process.stdout.write(
      `project created after the restart Ready in ${String(Date.now() - createdAt)} ms\n`,
    )
    expect(await operator.log()).toMatch(/informer|watch/i)
  }, 120_000)
})
