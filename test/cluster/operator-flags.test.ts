// strata-operator's flags on the real control plane: with --leader-elect=false it runs its
// controllers at once and never touches a Lease (a single replica needs none), and a bad value is
// refused before it connects, naming the flag.
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { CoordinationV1Api, CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node'
import { bedrockProjectSchema } from '@strata/crds'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { installCrds } from '../support/crds.ts'
import { eventually, kubeConfigFrom, statusCode } from '../support/kube.ts'
import {
  makeWorkDirectory,
  startEmulatorProcess,
  startOperatorProcess,
  type RunningProcess,
} from '../support/processes.ts'

const kubeconfig = inject('kubeconfig')
const config = kubeConfigFrom(kubeconfig)
const core = config.makeApiClient(CoreV1Api)
const custom = config.makeApiClient(CustomObjectsApi)
const leases = config.makeApiClient(CoordinationV1Api)
const suffix = Date.now().toString(36)
const system = `strata-flags-${suffix}`
const team = `team-flags-${suffix}`
const operatorEntry = join(import.meta.dirname, '..', '..', 'operator', 'bin', 'strata-operator.js')

let workDirectory = ''
let emulator: RunningProcess
let operator: RunningProcess

beforeAll(async () => {
  await installCrds(config)
  await core.createNamespace({ body: { metadata: { name: system } } })
  await core.createNamespace({ body: { metadata: { name: team } } })
  workDirectory = await makeWorkDirectory('operator-flags')
  emulator = await startEmulatorProcess(workDirectory)
  operator = await startOperatorProcess({
    workDirectory,
    kubeconfig,
    namespace: system,
    emulatorUrl: emulator.url,
    extraArgs: ['--leader-elect=false'],
  })
}, 120_000)

afterAll(async () => {
  await operator.stop()
  await emulator.stop()
  await core.deleteNamespace({ name: team }).catch(() => undefined)
  await core.deleteNamespace({ name: system }).catch(() => undefined)
})

describe('strata-operator flags', () => {
  it('with --leader-elect=false reconciles a BedrockProject without ever taking a Lease', async () => {
    await custom.createNamespacedCustomObject({
      group: 'strata.dev',
      version: 'v1alpha1',
      namespace: team,
      plural: 'bedrockprojects',
      body: {
        apiVersion: 'strata.dev/v1alpha1',
        kind: 'BedrockProject',
        metadata: { name: 'solo', namespace: team },
        spec: {
          name: `Solo ${suffix}`,
          region: 'us-east-1',
          tags: {
            owner: 'team-a',
            cost_center: 'cc-42',
            environment: 'test',
            data_classification: 'internal',
          },
        },
      },
    })
    const ready = await eventually('BedrockProject solo Ready', async () => {
      const project = bedrockProjectSchema.parse(
        await custom.getNamespacedCustomObject({
          group: 'strata.dev',
          version: 'v1alpha1',
          namespace: team,
          plural: 'bedrockprojects',
          name: 'solo',
        }),
      )
      const condition = project.status?.conditions?.find((c) => c.type === 'Ready')
      return condition?.status === 'True' ? project : undefined
    })
    expect(ready.status?.projectId).toMatch(/^proj_/)
    const lease = await leases
      .readNamespacedLease({ name: 'strata-operator', namespace: system })
      .then(
        () => 'present',
        (error: unknown) => (statusCode(error) === 404 ? 'absent' : `error ${String(error)}`),
      )
    expect(lease).toBe('absent')
    expect(await operator.log()).toContain('starting controllers')
  })

  it('refuses a bad value before connecting, naming the flag, with exit code 2', async () => {
    const run = promisify(execFile)
    const failure = await run(process.execPath, [
      operatorEntry,
      '--kubeconfig',
      kubeconfig,
      '--resync-seconds',
      'soon',
    ]).then(
      () => undefined,
      (error: unknown) => error,
    )
    expect(failure).toMatchObject({ code: 2 })
    expect(String((failure as { stderr?: unknown } | undefined)?.stderr)).toContain(
      '--resync-seconds must be a whole number from 1 to 86400; got "soon"',
    )
  })
})
