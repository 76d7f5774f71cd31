// The access list and guardrails travel from the CRDs into the routing table unchanged, and the
// result is a table the gateway's schema accepts.
import { routingTableSchema, type ModelRouteSpec } from '@strata/crds'
import { describe, expect, it } from 'vitest'
import { compileTable, type ProjectInput } from './compile-table.ts'

const project: ProjectInput = {
  namespace: 'apps',
  name: 'support',
  region: 'us-east-1',
  projectId: 'proj_abc',
  projectArn: undefined,
  tags: { owner: 'a' },
  keys: [],
  profiles: {},
  access: {
    serviceAccounts: [{ namespace: 'batch', name: 'summariser' }],
    namespaces: ['web'],
  },
  guardrail: { identifier: 'gr0project', version: '1' },
}

const spec = (model: string, overrides: Partial<ModelRouteSpec> = {}): ModelRouteSpec => ({
  projectRef: { name: 'support' },
  model,
  backends: [{ kind: 'mantle', modelId: 'openai.gpt-oss-120b', weight: 1, priority: 0 }],
  strict: false,
  ...overrides,
})

describe('compileTable: access and guardrails', () => {
  it('copies spec.access and the project and route guardrails', () => {
    const { projects } = compileTable(
      [project],
      [
        {
          namespace: 'apps',
          name: 'plain',
          creationTimestamp: '2026-01-01T00:00:00Z',
          spec: spec('plain'),
        },
        {
          namespace: 'apps',
          name: 'strict',
          creationTimestamp: '2026-01-01T00:00:00Z',
          spec: spec('strict', {
            guardrail: { identifier: 'gr0route', version: 'DRAFT', streamProcessingMode: 'async' },
          }),
        },
      ],
    )
    const [compiled] = projects
    expect(compiled?.access).toEqual(project.access)
    expect(compiled?.guardrail).toEqual({ identifier: 'gr0project', version: '1' })
    expect(compiled?.routes.map((route) => [route.model, route.guardrail])).toEqual([
      ['plain', undefined],
      ['strict', { identifier: 'gr0route', version: 'DRAFT', streamProcessingMode: 'async' }],
    ])
    const table = {
      apiVersion: 'strata.dev/v1alpha1',
      kind: 'RoutingTable',
      version: 1,
      generatedAt: '2026-11-22T00:00:00Z',
      projects,
    }
    expect(routingTableSchema.safeParse(table).error).toBeUndefined()
  })

  it('leaves out an access list with no entries', () => {
    const { projects } = compileTable([{ ...project, access: { serviceAccounts: [] } }], [])
    expect(projects[0]?.access).toEqual({})
  })
})
