// Invalid BedrockProjects and ModelRoutes against the real apiserver with the real operator
// running. What admission can judge (schema, CEL) is refused there with a clear message: every
// refused fixture of crd-validation/ is sent again here, reused, not copied. What admission cannot
// know (a project that does not exist, an alias another route holds, a model Bedrock does not
// offer, a Bedrock project name someone else owns) becomes a condition with a reason and message
// and a Warning Event on the object. Afterwards the operator must be calm: no status writes, no
// object changes and no reconciles over a quiet window, and still alive and reconciling a good
// project and route. A fallback cycle cannot be written: a route's fallbacks are its own inline
// backends, never other routes. The suite's size goes to stdout with an [invalid-input] prefix.
import { EventsV1Api } from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { isAlive } from '../control-plane/processes.ts'
import { applyFixture, group, kinds, refusedCases, version } from '../support/crd-fixtures.ts'
import { eventually } from '../support/kube.ts'
import { operatorSuite } from '../support/operator-suite.ts'
import {
  createStrataObject,
  requiredTags,
  strataObject,
  type StrataObject,
} from '../support/strata-objects.ts'

const suite = operatorSuite('invalid', inject('kubeconfig'))
const { config, custom, team } = suite
const events = config.makeApiClient(EventsV1Api)
const fieldManager = 'strata-invalid-input-test'
const QUIET_WINDOW_MS = 10_000

const project = (name: string, projectName: string) =>
  strataObject('BedrockProject', team, name, {
    name: projectName,
    region: 'us-east-1',
    tags: requiredTags,
  })

const route = (name: string, projectRef: string, model: string, modelIds: string[]) =>
  strataObject('ModelRoute', team, name, {
    projectRef: { name: projectRef },
    model,
    backends: modelIds.map((modelId, index) => ({
      kind: 'converse',
      modelId,
      ...(modelIds.length > 1 ? { name: `b${String(index)}` } : {}),
    })),
  })

const create = (body: StrataObject) => createStrataObject(custom, body, fieldManager)

interface Condition {
  type: string
  status: string
  reason: string
  message: string
}
interface Listed {
  items: {
    metadata: { name: string; resourceVersion: string }
    status?: { conditions?: Condition[] }
  }[]
}

async function list(plural: string): Promise<Listed> {
  return (await custom.listNamespacedCustomObject({
    group,
    version,
    namespace: team,
    plural,
  })) as Listed
}

async function conditionOf(plural: string, name: string, type: string) {
  const object = (await list(plural)).items.find((item) => item.metadata.name === name)
  return object?.status?.conditions?.find((c) => c.type === type)
}

async function operatorCounters(): Promise<{ reconciles: number; statusWrites: number }> {
  const text = await (await fetch(`${suite.operator.url}/metrics`)).text()
  const sum = (metric: string) =>
    [...text.matchAll(new RegExp(`^${metric}(?:\\{[^}]*\\})? (\\d+)`, 'gm'))].reduce(
      (total, match) => total + Number(match[1]),
      0,
    )
  return {
    reconciles: sum('controller_runtime_reconcile_total'),
    statusWrites: sum('strata_operator_status_writes_total'),
  }
}

/** Every object's resourceVersion in the namespace: any write to any of them changes it. */
async function versions(): Promise<string> {
  const all = await Promise.all(Object.values(kinds).map(({ plural }) => list(plural)))
  return all
    .flatMap((listed) =>
      listed.items.map((i) => `${i.metadata.name}@${i.metadata.resourceVersion}`),
    )
    .sort()
    .join(' ')
}

// The default resync (300 s): a quiet window shows what the operator does unprompted.
beforeAll(() => suite.start(), 120_000)

afterAll(async () => {
  // Projects carry a finalizer only the running operator removes.
  await custom
    .deleteCollectionNamespacedCustomObject({
      group,
      version,
      namespace: team,
      plural: 'bedrockprojects',
    })
    .catch(() => undefined)
  await eventually('projects of the invalid-input suite gone', async () =>
    (await list('bedrockprojects')).items.length === 0 ? true : undefined,
  ).catch(() => undefined)
  await suite.stop()
}, 120_000)

const refused = refusedCases()

/** What admission cannot know: the object is stored, and the operator says why it is not served. */
const semantic = [
  {
    name: 'route-missing-project',
    what: 'a ModelRoute naming a BedrockProject that does not exist',
    plural: 'modelroutes',
    apply: () =>
      create(route('route-missing-project', 'nowhere', 'chat', ['amazon.nova-lite-v1:0'])),
    condition: 'ResolvedRefs',
    reasons: ['ProjectNotFound'],
    mentions: 'nowhere',
  },
  {
    name: 'route-alias-taken',
    what: 'a second ModelRoute claiming an alias an older route serves',
    plural: 'modelroutes',
    apply: () =>
      create(route('route-alias-taken', 'good', 'shared-alias', ['amazon.nova-lite-v1:0'])),
    condition: 'Accepted',
    reasons: ['AliasConflict'],
    mentions: 'shared-alias',
  },
  {
    name: 'route-unknown-model',
    what: 'a ModelRoute to a model Bedrock does not offer (a typo)',
    plural: 'modelroutes',
    apply: () =>
      create(route('route-unknown-model', 'good', 'typo', ['anthropic.claude-sonet-4-6'])),
    condition: 'ResolvedRefs',
    reasons: ['ModelNotFound'],
    mentions: 'anthropic.claude-sonet-4-6',
  },
  {
    name: 'route-one-unknown-fallback',
    what: 'a ModelRoute whose fallback backend the project cannot use, beside a good one',
    plural: 'modelroutes',
    apply: () =>
      create(
        route('route-one-unknown-fallback', 'good', 'with-fallback', [
          'amazon.nova-lite-v1:0',
          'meta.llama-nonexistent-v9:0',
        ]),
      ),
    condition: 'ResolvedRefs',
    reasons: ['ModelNotFound'],
    mentions: 'meta.llama-nonexistent-v9:0',
  },
  {
    name: 'project-owned-elsewhere',
    what: 'a BedrockProject whose Bedrock name another owner already holds',
    plural: 'bedrockprojects',
    apply: async () => {
      await fetch(`${suite.emulator.url}/v1/organization/projects`, {
        method: 'POST',
        headers: { authorization: 'Bearer test-key', 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'Taken Bot',
          tags: { ...requiredTags, 'strata.dev/owner': 'someone-else/taken' },
        }),
      })
      await create(project('project-owned-elsewhere', 'Taken Bot'))
    },
    condition: 'Ready',
    reasons: ['ProjectOwnedElsewhere'],
    mentions: 'Taken Bot',
  },
  {
    name: 'route-to-unusable-project',
    what: 'a ModelRoute naming that project, which has no Bedrock project it may use',
    plural: 'modelroutes',
    apply: () =>
      create(
        route('route-to-unusable-project', 'project-owned-elsewhere', 'chat', [
          'amazon.nova-lite-v1:0',
        ]),
      ),
    condition: 'Ready',
    reasons: ['ProjectNotReady', 'ProjectOwnedElsewhere'],
    mentions: 'project-owned-elsewhere',
  },
]

describe('strata-operator under invalid input', () => {
  it('serves the good project and route the semantic cases lean on', async () => {
    await create(project('good', 'Good Bot'))
    await create(route('good-chat', 'good', 'shared-alias', ['amazon.nova-lite-v1:0']))
    await eventually('good-chat served', async () =>
      (await conditionOf('modelroutes', 'good-chat', 'Ready'))?.status === 'True'
        ? true
        : undefined,
    )
  })

  it.each(refused)('refuses at admission $name: $description', async (fixture) => {
    const { created, updated } = await applyFixture(custom, team, fixture, fieldManager)
    const step = fixture.error === undefined ? updated : created
    const message = step?.accepted === false ? step.message : undefined
    expect(message, 'the apiserver refuses it').toContain(fixture.error ?? fixture.update?.error)
  })

  it.each(semantic)(
    'stores $name and reports it: $what',
    async (scenario) => {
      await scenario.apply()
      const found = await eventually(
        `${scenario.condition} on ${scenario.name}`,
        async () => {
          const condition = await conditionOf(scenario.plural, scenario.name, scenario.condition)
          return condition?.status === 'False' ? condition : undefined
        },
        30_000,
      )
      expect(scenario.reasons).toContain(found.reason)
      expect(found.message).toContain(scenario.mentions)
      const ready = await conditionOf(scenario.plural, scenario.name, 'Ready')
      expect(ready?.status, 'not served').toBe('False')
      await eventually(`a Warning Event on ${scenario.name}`, async () => {
        const listed = await events.listNamespacedEvent({ namespace: team })
        return listed.items.some(
          (event) =>
            event.regarding?.name === scenario.name &&
            event.type === 'Warning' &&
            scenario.reasons.includes(event.reason ?? '') &&
            (event.note ?? '').length > 0,
        )
          ? true
          : undefined
      })
    },
    45_000,
  )

  it('settles: no status writes, object writes or reconciles over a quiet window', async () => {
    // Let the last writes land, then watch the counters and every object's version stand still.
    await new Promise((resolve) => setTimeout(resolve, 2_000))
    const before = { counters: await operatorCounters(), versions: await versions() }
    await new Promise((resolve) => setTimeout(resolve, QUIET_WINDOW_MS))
    const after = { counters: await operatorCounters(), versions: await versions() }
    console.log(
      `[invalid-input] ${String(refused.length)} manifests refused at admission (${String(refused.filter((c) => c.manifest.kind === 'BedrockProject').length)} BedrockProject, ${String(refused.filter((c) => c.manifest.kind === 'ModelRoute').length)} ModelRoute), ${String(semantic.length)} stored and reported as conditions and Events: ${String(refused.length + semantic.length)} invalid in all; over ${String(QUIET_WINDOW_MS / 1000)} s afterwards ${String(after.counters.reconciles - before.counters.reconciles)} reconciles and ${String(after.counters.statusWrites - before.counters.statusWrites)} status writes`,
    )
    expect(after.versions).toBe(before.versions)
    expect(after.counters.statusWrites).toBe(before.counters.statusWrites)
    expect(after.counters.reconciles).toBe(before.counters.reconciles)
  }, 30_000)

  it('is still alive and reconciles a good project and route afterwards', async () => {
    expect(isAlive(suite.operator.process.pid)).toBe(true)
    await create(project('after', 'After Bot'))
    await create(route('after-chat', 'after', 'after-chat', ['amazon.nova-lite-v1:0']))
    await eventually('after-chat served', async () =>
      (await conditionOf('modelroutes', 'after-chat', 'Ready'))?.status === 'True'
        ? true
        : undefined,
    )
    // The project's own status write may land just after its route's: wait for it too.
    await eventually('after Ready', async () =>
      (await conditionOf('bedrockprojects', 'after', 'Ready'))?.status === 'True'
        ? true
        : undefined,
    )
    expect(await suite.operator.log()).not.toMatch(/Uncaught|unhandled|FATAL/i)
  })
})
