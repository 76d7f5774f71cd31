import { routingTableSchema, type Project } from '@strata/crds'
import { describe, expect, it } from 'vitest'
import { chooseProject, parseServiceAccountUser, projectsFor } from './service-account-projects.ts'

const project = (name: string, namespace: string, access?: Project['access']) => ({
  name,
  namespace,
  projectId: `proj_${name}`,
  keys: [],
  routes: [],
  ...(access ? { access } : {}),
})

const table = routingTableSchema.parse({
  apiVersion: 'strata.dev/v1alpha1',
  kind: 'RoutingTable',
  version: 1,
  generatedAt: '2026-01-01T00:00:00Z',
  projects: [
    project('support', 'team-a'),
    project('research', 'team-a'),
    project('billing', 'team-b', {
      serviceAccounts: [{ namespace: 'batch', name: 'invoicer' }],
      namespaces: ['web'],
    }),
  ],
})

const names = (projects: Project[]) => projects.map((p) => `${p.namespace}/${p.name}`)

describe('ServiceAccount → projects', () => {
  it('parses only ServiceAccount usernames', () => {
    expect(parseServiceAccountUser('system:serviceaccount:batch:invoicer')).toEqual({
      namespace: 'batch',
      name: 'invoicer',
    })
    expect(parseServiceAccountUser('kubernetes-admin')).toBeUndefined()
    expect(parseServiceAccountUser('system:node:worker-1')).toBeUndefined()
  })

  it.each([
    ['batch', 'invoicer', ['team-b/billing']],
    ['batch', 'other', []],
    ['web', 'anything', ['team-b/billing']],
    ['team-b', 'default', ['team-b/billing']],
    ['team-a', 'app', ['team-a/support', 'team-a/research']],
    ['elsewhere', 'app', []],
  ])('%s/%s may use %j', (namespace, name, expected) => {
    expect(names(projectsFor(table, { namespace, name }))).toEqual(expected)
  })

  it('chooses the only candidate, or the one a header names, and refuses the rest', () => {
    const two = projectsFor(table, { namespace: 'team-a', name: 'app' })
    const [support] = two
    expect(chooseProject(two.slice(0, 1), undefined)).toEqual({
      outcome: 'chosen',
      project: support,
    })
    expect(chooseProject(two, undefined)).toMatchObject({ outcome: 'ambiguous' })
    expect(chooseProject(two, 'team-a/research')).toMatchObject({
      outcome: 'chosen',
      project: { name: 'research' },
    })
    expect(chooseProject(two, 'proj_support')).toMatchObject({ project: { name: 'support' } })
    expect(chooseProject(two, 'team-b/billing')).toEqual({ outcome: 'mismatch' })
    expect(chooseProject(two.slice(0, 1), 'team-a/research')).toEqual({ outcome: 'mismatch' })
    expect(chooseProject([], 'team-a/support')).toEqual({ outcome: 'none' })
  })
})
