import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { parseRoutingTable, routingTableSchema, type RoutingTableInput } from './routing-table.ts'

const hash = (character: string): string => character.repeat(64)

function validTable(): RoutingTableInput {
  return {
    apiVersion: 'strata.dev/v1alpha1',
    kind: 'RoutingTable',
    version: 7,
    generatedAt: '2026-05-01T10:00:00Z',
    projects: [
      {
        name: 'support',
        namespace: 'team-a',
        projectId: 'proj_5d5ykleja6cwpirysbb7',
        projectArn:
          'arn:aws:bedrock-mantle:us-east-1:123456789012:project/proj_5d5ykleja6cwpirysbb7',
        tags: { owner: 'team-a' },
        keys: [{ sha256: hash('a') }, { sha256: hash('b'), notAfter: '2026-06-01T00:00:00+02:00' }],
        routes: [
          {
            name: 'claude',
            namespace: 'team-a',
            model: 'claude',
            backends: [
              { kind: 'converse', modelId: 'us.anthropic.claude-sonnet-4-6', region: 'us-east-1' },
              {
                kind: 'mantle',
                modelId: 'openai.gpt-oss-120b',
                region: 'us-west-2',
                weight: 0,
                priority: 1,
              },
            ],
            limits: { maxOutputTokens: 4096, timeoutMs: 60_000 },
            defaults: { reasoningEffort: 'low', temperature: 0.2 },
          },
        ],
      },
    ],
  }
}

function issuesOf(table: unknown): string[] {
  const result = parseRoutingTable(table)
  return result.success
    ? []
    : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
}

describe('routing table schema', () => {
  it('accepts a complete table and fills in backend defaults', () => {
    const result = parseRoutingTable(validTable())
    expect(result.success).toBe(true)
    const backend = result.data?.projects[0]?.routes[0]?.backends[0]
    expect(backend).toMatchObject({ weight: 1, priority: 0 })
  })

  it('accepts a string version and an empty project list', () => {
    expect(issuesOf({ ...validTable(), version: 'rv-1234', projects: [] })).toEqual([])
  })

  it.each([
    [
      'a foreign apiVersion',
      (table: RoutingTableInput) => ({ ...table, apiVersion: 'strata.dev/v1' }),
    ],
    ['a foreign kind', (table: RoutingTableInput) => ({ ...table, kind: 'ConfigMap' })],
    ['a negative version', (table: RoutingTableInput) => ({ ...table, version: -1 })],
    [
      'a generatedAt that is no timestamp',
      (table: RoutingTableInput) => ({ ...table, generatedAt: 'yesterday' }),
    ],
    ['an unknown top-level field', (table: RoutingTableInput) => ({ ...table, extra: true })],
  ])('rejects %s', (_name, mutate) => {
    expect(issuesOf(mutate(validTable()))).not.toEqual([])
  })

  it.each([
    ['a plain key instead of a hash', { keys: [{ sha256: 'sk-strata-demo-key' }] }, 'sha256'],
    ['an upper-case hash', { keys: [{ sha256: 'A'.repeat(64) }] }, 'sha256'],
    [
      'a notAfter without offset',
      { keys: [{ sha256: hash('c'), notAfter: '2026-06-01 00:00' }] },
      'notAfter',
    ],
    ['a malformed project id', { projectId: 'project-1' }, 'projectId'],
    ['an upper-case project name', { name: 'Support' }, 'name'],
  ])('rejects %s', (_name, patch, field) => {
    const table = validTable()
    const project = { ...table.projects[0], ...patch }
    const issues = issuesOf({ ...table, projects: [project] })
    expect(issues.join('\n')).toContain(field)
  })

  it.each([
    ['a backend kind we do not have', { kind: 'invoke' }],
    ['a weight over 1000', { weight: 1001 }],
    ['a fractional weight', { weight: 0.5 }],
    ['a negative priority', { priority: -1 }],
    ['a region that is no region', { region: 'virginia' }],
    ['a misspelt field', { wieght: 2 }],
  ])('rejects a backend with %s', (_name, patch) => {
    const table = validTable()
    const route = table.projects[0]?.routes[0]
    if (route === undefined) throw new Error('fixture has a route')
    const backends = [{ ...route.backends[0], ...patch }]
    const projects = [{ ...table.projects[0], routes: [{ ...route, backends }] }]
    expect(issuesOf({ ...table, projects }).join('\n')).toContain('backends')
  })

  it('rejects a route without backends', () => {
    const table = validTable()
    const route = table.projects[0]?.routes[0]
    const projects = [{ ...table.projects[0], routes: [{ ...route, backends: [] }] }]
    expect(issuesOf({ ...table, projects }).join('\n')).toContain('backends')
  })

  it('rejects one alias bound twice in a project', () => {
    const table = validTable()
    const project = table.projects[0]
    const route = project?.routes[0]
    if (project === undefined || route === undefined) throw new Error('fixture has a route')
    const projects = [{ ...project, routes: [route, { ...route, name: 'claude-copy' }] }]
    expect(issuesOf({ ...table, projects })).toEqual([
      'projects.0.routes.1.model: duplicate model alias claude in project proj_5d5ykleja6cwpirysbb7',
    ])
  })

  it('rejects one key hash shared by two projects', () => {
    const table = validTable()
    const project = table.projects[0]
    if (project === undefined) throw new Error('fixture has a project')
    const other = { ...project, name: 'other', projectId: 'proj_other', routes: [] }
    expect(issuesOf({ ...table, projects: [project, other] })).toEqual([
      'projects.1.keys.0.sha256: a key hash appears more than once',
      'projects.1.keys.1.sha256: a key hash appears more than once',
    ])
  })

  it('rejects two projects with one projectId', () => {
    const table = validTable()
    const project = table.projects[0]
    if (project === undefined) throw new Error('fixture has a project')
    const other = { ...project, name: 'other', keys: [], routes: [] }
    expect(issuesOf({ ...table, projects: [project, other] })).toEqual([
      'projects.1.projectId: duplicate projectId proj_5d5ykleja6cwpirysbb7',
    ])
  })

  it('carries descriptions for the CRD generator', () => {
    const jsonSchema = JSON.stringify(z.toJSONSchema(routingTableSchema, { io: 'input' }))
    expect(jsonSchema).toContain('SHA-256 of the client API key')
    expect(jsonSchema).toContain('Fallback order')
  })
})
