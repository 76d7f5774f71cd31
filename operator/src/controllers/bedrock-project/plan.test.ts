import { describe, expect, it } from 'vitest'
import { planProject, type PlanInput, type RemoteProject } from './plan.ts'
import { OWNER_TAG } from '../../bedrock/tags.ts'

const specTags = {
  owner: 'team-a',
  cost_center: 'cc-1',
  environment: 'dev',
  data_classification: 'internal',
}
const ownTags = { ...specTags, [OWNER_TAG]: 'apps/support' }
const baseSpec: PlanInput['spec'] = {
  name: 'Support Bot',
  tags: specTags,
  deletionPolicy: 'Archive',
  missingProjectPolicy: 'Recreate',
}

function input(overrides: Partial<PlanInput> = {}): PlanInput {
  return {
    namespace: 'apps',
    name: 'support',
    spec: baseSpec,
    recordedId: undefined,
    deleting: false,
    byId: undefined,
    byName: [],
    ...overrides,
  }
}

const project = (overrides: Partial<RemoteProject> = {}): RemoteProject => ({
  id: 'proj_abc',
  name: 'Support Bot',
  status: 'active',
  tags: ownTags,
  ...overrides,
})

describe('planProject', () => {
  it('creates a project with the spec tags plus the owner tag when none exists', () => {
    expect(planProject(input())).toEqual({ action: 'create', name: 'Support Bot', tags: ownTags })
  })

  it('adopts our own project found by name after a crash between create and status write', () => {
    const plan = planProject(input({ byName: [project()] }))
    expect(plan).toMatchObject({
      action: 'adopt',
      project: { id: 'proj_abc' },
      tags: { add: {}, remove: [] },
    })
  })

  it('adopts an unowned active project of the same name and tags it as ours', () => {
    const plan = planProject(input({ byName: [project({ tags: { team: 'x' } })] }))
    expect(plan).toMatchObject({ action: 'adopt', tags: { add: ownTags, remove: ['team'] } })
  })

  it('never adopts a project another BedrockProject owns', () => {
    const plan = planProject(input({ byName: [project({ tags: { [OWNER_TAG]: 'other/ns' } })] }))
    expect(plan).toMatchObject({ action: 'conflict', reason: 'ProjectOwnedElsewhere' })
  })

  it('ignores archived projects of the same name and creates a new one', () => {
    expect(planProject(input({ byName: [project({ status: 'archived' })] })).action).toBe('create')
  })

  it('repairs tag drift on the recorded project', () => {
    const drifted = project({ tags: { ...ownTags, environment: 'prod', console: 'edit' } })
    const plan = planProject(input({ recordedId: 'proj_abc', byId: drifted }))
    expect(plan).toMatchObject({
      action: 'sync',
      tags: { add: { environment: 'dev' }, remove: ['console'] },
    })
  })

  it.each([
    ['missing', undefined, 'ProjectMissing'],
    ['archived outside Strata', project({ status: 'archived' }), 'ProjectArchived'],
  ] as const)(
    'reports a recorded project that is %s under policy Report',
    (_name, byId, reason) => {
      const spec = { ...baseSpec, missingProjectPolicy: 'Report' as const }
      expect(planProject(input({ recordedId: 'proj_abc', byId, spec }))).toMatchObject({
        action: 'conflict',
        reason,
      })
    },
  )

  it('re-creates a vanished recorded project under policy Recreate, saying which it replaces', () => {
    expect(planProject(input({ recordedId: 'proj_gone' }))).toEqual({
      action: 'create',
      name: 'Support Bot',
      tags: ownTags,
      replaces: 'proj_gone',
    })
  })

  it('adopts our active project of the same name rather than creating a second one', () => {
    const plan = planProject(input({ recordedId: 'proj_gone', byName: [project()] }))
    expect(plan).toMatchObject({
      action: 'adopt',
      project: { id: 'proj_abc' },
      replaces: 'proj_gone',
    })
  })

  it.each([
    ['Archive', project(), 'archive'],
    ['Archive', project({ status: 'archived' }), 'release'],
    ['Archive', undefined, 'release'],
    ['Retain', project(), 'release'],
  ] as const)('on delete with %s policy and project %#: %s', (policy, byId, action) => {
    const plan = planProject(
      input({
        deleting: true,
        recordedId: 'proj_abc',
        byId,
        spec: { ...baseSpec, deletionPolicy: policy },
      }),
    )
    expect(plan.action).toBe(action)
  })
})
