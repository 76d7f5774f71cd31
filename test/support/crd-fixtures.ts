// The manifests under test/cluster/fixtures/crd-validation/, shared by the CRD validation test and
// the operator's invalid-input suite: each fixture is created (and, when it says so, updated) on
// the real apiserver, and must be accepted or refused with the message it names.
//
// Fixture format (YAML): description; manifest (apiVersion, kind, spec; the caller adds metadata);
// error (a substring of the apiserver's message; absent means the object is accepted); stored
// (a subset the stored object must match, to check defaults); update (spec fields to replace on
// the created object, with its own description and optional error).
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { ApiException, type CustomObjectsApi } from '@kubernetes/client-node'
import { API_GROUP, API_VERSION, bedrockProjectSchema, modelRouteSchema } from '@strata/crds'
import { parse } from 'yaml'
import { z } from 'zod'

export const group = API_GROUP
export const version = API_VERSION
const fixturesDir = join(import.meta.dirname, '..', 'cluster', 'fixtures', 'crd-validation')

export const kinds = {
  BedrockProject: {
    plural: 'bedrockprojects',
    dir: 'bedrock-project',
    schema: bedrockProjectSchema,
  },
  ModelRoute: { plural: 'modelroutes', dir: 'model-route', schema: modelRouteSchema },
} as const

const jsonObject = z.record(z.string(), z.unknown())
const caseSchema = z.strictObject({
  description: z.string(),
  error: z.string().optional(),
  manifest: z.strictObject({
    apiVersion: z.literal(`${group}/${version}`),
    kind: z.enum(['BedrockProject', 'ModelRoute']),
    spec: jsonObject.optional(),
  }),
  stored: jsonObject.optional(),
  update: z
    .strictObject({ description: z.string(), spec: jsonObject, error: z.string().optional() })
    .optional(),
})
export type Case = z.infer<typeof caseSchema> & { name: string }

export const storedObjectSchema = z.looseObject({
  metadata: z.looseObject({ resourceVersion: z.string() }),
  spec: jsonObject,
})
const statusBodySchema = z.object({ message: z.string() })

export function loadCases(): Case[] {
  return Object.values(kinds).flatMap(({ dir }) =>
    readdirSync(join(fixturesDir, dir))
      .filter((file) => file.endsWith('.yaml'))
      .sort()
      .map((file) => {
        const parsed = caseSchema.safeParse(
          parse(readFileSync(join(fixturesDir, dir, file), 'utf8')),
        )
        if (!parsed.success) throw new Error(`${dir}/${file}: ${z.prettifyError(parsed.error)}`)
        return { ...parsed.data, name: `${dir}-${file.replace(/\.yaml$/, '')}` }
      }),
  )
}

/** Fixtures the apiserver must refuse, at create or at update. */
export function refusedCases(): Case[] {
  return loadCases().filter((fixture) => fixture.error ?? fixture.update?.error)
}

export type Outcome = { accepted: true; object: unknown } | { accepted: false; message: string }

/** Runs a request and turns an apiserver rejection into its Status message. */
export async function outcomeOf(request: Promise<unknown>): Promise<Outcome> {
  try {
    return { accepted: true, object: await request }
  } catch (error) {
    if (!(error instanceof ApiException)) throw error
    const body: unknown = typeof error.body === 'string' ? JSON.parse(error.body) : error.body
    return { accepted: false, message: statusBodySchema.parse(body).message }
  }
}

/**
 * Creates the fixture in `namespace` (named after it) and, when it has an update, replaces the
 * stored object's spec fields: the outcome of each step, the update's only when the create passed.
 */
export async function applyFixture(
  custom: CustomObjectsApi,
  namespace: string,
  fixture: Case,
  fieldManager: string,
): Promise<{ created: Outcome; updated?: Outcome }> {
  const { plural } = kinds[fixture.manifest.kind]
  const body = { ...fixture.manifest, metadata: { name: fixture.name, namespace } }
  const created = await outcomeOf(
    custom.createNamespacedCustomObject({
      group,
      version,
      namespace,
      plural,
      body,
      fieldManager,
      fieldValidation: 'Strict',
    }),
  )
  if (!created.accepted || !fixture.update) return { created }
  const { spec } = fixture.update
  let stored = storedObjectSchema.parse(created.object)
  // A running operator writes the object too (finalizer, status): on a conflict, read it again.
  for (let attempt = 1; ; attempt++) {
    const updated = await outcomeOf(
      custom.replaceNamespacedCustomObject({
        group,
        version,
        namespace,
        plural,
        name: fixture.name,
        body: { ...stored, spec: { ...stored.spec, ...spec } },
        fieldManager,
        fieldValidation: 'Strict',
      }),
    )
    if (
      updated.accepted ||
      !updated.message.includes('the object has been modified') ||
      attempt === 5
    )
      return { created, updated }
    stored = storedObjectSchema.parse(
      await custom.getNamespacedCustomObject({
        group,
        version,
        namespace,
        plural,
        name: fixture.name,
      }),
    )
  }
}
