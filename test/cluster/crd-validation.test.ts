// The generated CRDs against the real apiserver: every fixture under fixtures/crd-validation/ is
// created (and, when it says so, updated) and must be accepted or rejected with the exact message
// it names (format: test/support/crd-fixtures.ts). Each fixture is also run through the zod
// schema, which must reach the same verdict: the CRD and the zod schema are one contract.
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node'
import {
  bedrockProjectSchema,
  bedrockProjectSpecSchema,
  modelRouteBackendSchema,
  tagsSchema,
} from '@strata/crds'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { parse } from 'yaml'
import { z } from 'zod'
import { ensureBinaries } from '../control-plane/binaries.ts'
import {
  applyFixture,
  group,
  kinds,
  loadCases,
  outcomeOf,
  storedObjectSchema,
  type Outcome,
  version,
} from '../support/crd-fixtures.ts'
import { installCrds } from '../support/crds.ts'
import { eventually, kubeConfigFrom, statusCode } from '../support/kube.ts'

const kubeconfigPath = inject('kubeconfig')
const config = kubeConfigFrom(kubeconfigPath)
const core = config.makeApiClient(CoreV1Api)
const custom = config.makeApiClient(CustomObjectsApi)

const fieldManager = 'strata-crd-validation-test'
const namespace = `crd-validation-${Date.now().toString(36)}`
const generatedDir = join(import.meta.dirname, '..', '..', 'crds', 'generated')

const crdSchemaShape = z.object({
  spec: z.object({ versions: z.array(z.object({ schema: z.unknown() })) }),
})

function expectOutcome(outcome: Outcome, error: string | undefined): void {
  const rejection = outcome.accepted ? undefined : outcome.message
  if (error === undefined) expect(rejection, 'the apiserver accepts it').toBeUndefined()
  else expect(rejection, 'the apiserver rejects it').toContain(error)
}

const kubectl = async (...args: string[]): Promise<string> =>
  (await promisify(execFile)(ensureBinaries().kubectl, ['--kubeconfig', kubeconfigPath, ...args]))
    .stdout

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim()

beforeAll(async () => {
  await installCrds(config, fieldManager)
  await core.createNamespace({ body: { metadata: { name: namespace } } })
  // Established can come a moment before the REST endpoint answers.
  for (const { plural } of Object.values(kinds))
    await eventually(`${plural} served`, () =>
      custom.listNamespacedCustomObject({ group, version, namespace, plural }),
    )
})

afterAll(async () => {
  // The CRDs stay: they are the product's own, and later tests may rely on them.
  await core.deleteNamespace({ name: namespace }).catch((error: unknown) => {
    if (statusCode(error) !== 404) throw error
  })
})

describe('CRD validation on the real apiserver', () => {
  it.each(Object.values(kinds))(
    'stores the $plural schema exactly as generated',
    async ({ plural }) => {
      const file: unknown = parse(
        readFileSync(join(generatedDir, `${group}_${plural}.yaml`), 'utf8'),
      )
      const served: unknown = await custom.getClusterCustomObject({
        group: 'apiextensions.k8s.io',
        version: 'v1',
        plural: 'customresourcedefinitions',
        name: `${plural}.${group}`,
      })
      const schemaOf = (crd: unknown): unknown => crdSchemaShape.parse(crd).spec.versions[0]?.schema
      expect(schemaOf(served)).toEqual(schemaOf(file))
    },
  )

  it.each(loadCases())('$name: $description', async (fixture) => {
    const { schema } = kinds[fixture.manifest.kind]
    const body = { ...fixture.manifest, metadata: { name: fixture.name, namespace } }
    expect(schema.safeParse(body).success, 'zod and the apiserver agree').toBe(!fixture.error)

    const { created, updated } = await applyFixture(custom, namespace, fixture, fieldManager)
    expectOutcome(created, fixture.error)
    if (!created.accepted) return
    if (fixture.stored) expect(created.object).toMatchObject(fixture.stored)
    if (!fixture.update) return
    if (updated === undefined) throw new Error(`${fixture.name}: its update was not sent`)
    expectOutcome(updated, fixture.update.error)
  })
})

describe('status subresource, printer columns and kubectl explain', () => {
  const name = 'status-and-columns'
  const projectSpec = bedrockProjectSpecSchema.parse({
    name: 'Status Columns',
    region: 'eu-west-1',
    tags: { owner: 'a', cost_center: 'b', environment: 'c', data_classification: 'd' },
  })
  const ready = {
    type: 'Ready',
    status: 'True',
    reason: 'Reconciled',
    message: 'project is active',
    lastTransitionTime: '2026-05-01T10:00:00Z',
  }

  async function writeStatus(status: unknown): Promise<Outcome> {
    const current = storedObjectSchema.parse(
      await custom.getNamespacedCustomObject({
        group,
        version,
        namespace,
        plural: 'bedrockprojects',
        name,
      }),
    )
    return outcomeOf(
      custom.replaceNamespacedCustomObjectStatus({
        group,
        version,
        namespace,
        plural: 'bedrockprojects',
        name,
        body: { ...current, status },
        fieldManager,
      }),
    )
  }

  it('accepts a status through the subresource and shows it in the printer columns', async () => {
    await custom.createNamespacedCustomObject({
      group,
      version,
      namespace,
      plural: 'bedrockprojects',
      body: {
        apiVersion: `${group}/${version}`,
        kind: 'BedrockProject',
        metadata: { name, namespace },
        spec: projectSpec,
      },
    })
    const status = { projectId: 'proj_columns1', observedGeneration: 1, conditions: [ready] }
    expect(bedrockProjectSchema.shape.status.safeParse(status).success).toBe(true)
    expectOutcome(await writeStatus(status), undefined)

    const table = await kubectl('get', 'bp', name, '--namespace', namespace)
    const [header, row] = table.trim().split('\n')
    expect(header?.split(/\s{2,}/)).toEqual(['NAME', 'READY', 'PROJECT ID', 'REGION', 'AGE'])
    expect(row?.split(/\s{2,}/).slice(0, 4)).toEqual([name, 'True', 'proj_columns1', 'eu-west-1'])
  })

  it.each([
    [
      'two conditions of one type',
      { conditions: [ready, { ...ready, status: 'False' }] },
      'status.conditions[1]: Duplicate value: {"type":"Ready"}',
    ],
    [
      'a condition status that is not True, False or Unknown',
      { conditions: [{ ...ready, status: 'Yes' }] },
      'status.conditions[0].status: Unsupported value: "Yes": supported values: "True", "False", "Unknown"',
    ],
    [
      'a condition reason with spaces',
      { conditions: [{ ...ready, reason: 'not ready' }] },
      'status.conditions[0].reason: Invalid value: "not ready"',
    ],
  ])('rejects a status with %s', async (_what, status, error) => {
    expect(bedrockProjectSchema.shape.status.safeParse(status).success).toBe(false)
    expectOutcome(await writeStatus(status), error)
  })

  it('teaches fields through kubectl explain, in the words of the zod schema', async () => {
    const tags = await kubectl('explain', 'bp.spec.tags')
    expect(oneLine(tags)).toContain(oneLine(tagsSchema.description ?? 'no description'))
    const weight = await kubectl('explain', 'mr.spec.backends.weight')
    const weightDescription = modelRouteBackendSchema.shape.weight.description ?? 'no description'
    expect(oneLine(weight)).toContain(oneLine(weightDescription))
  })
})
