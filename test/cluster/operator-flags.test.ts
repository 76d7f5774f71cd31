// strata-operator's flags on the real control plane: with --leader-elect=false it runs its
// controllers at once and never touches a Lease (a single replica needs none), and a bad value is
// refused before it connects, naming the flag.
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { CoordinationV1Api } from '@kubernetes/client-node'
import { bedrockProjectSchema } from '@strata/crds'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { group, version } from '../support/crd-fixtures.ts'
import { eventually, statusCode } from '../support/kube.ts'
import { operatorSuite } from '../support/operator-suite.ts'
import { createStrataObject, requiredTags, strataObject } from '../support/strata-objects.ts'

const suite = operatorSuite('flags', inject('kubeconfig'))
const { kubeconfig, config, custom, suffix, system, team } = suite
const leases = config.makeApiClient(CoordinationV1Api)
const operatorEntry = join(import.meta.dirname, '..', '..', 'operator', 'bin', 'strata-operator.js')

beforeAll(() => suite.start({ extraArgs: ['--leader-elect=false'] }), 120_000)
afterAll(() => suite.stop())

describe('strata-operator flags', () => {
  it('with --leader-elect=false reconciles a BedrockProject without ever taking a Lease', async () => {
    await createStrataObject(
      custom,
      strataObject('BedrockProject', team, 'solo', {
        name: `Solo ${suffix}`,
        region: 'us-east-1',
        tags: requiredTags,
      }),
    )
    const ready = await eventually('BedrockProject solo Ready', async () => {
      const project = bedrockProjectSchema.parse(
        await custom.getNamespacedCustomObject({
          group,
          version,
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
    expect(await suite.operator.log()).toContain('starting controllers')
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
