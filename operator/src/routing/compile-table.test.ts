import { routingTableSchema, type ModelRouteSpec } from '@strata/crds'
import { describe, expect, it } from 'vitest'
import type { RouteInput } from '../controllers/model-route/route-outcomes.ts'
import { compileTable, type ProjectInput } from './compile-table.ts'

const project = (overrides: Partial<ProjectInput> = {}): ProjectInput => ({
  namespace: 'apps',
  name: 'support',
  region: 'us-east-1',
  projectId: 'proj_abc',
  projectArn: 'arn:aws:bedrock-mantle:us-east-1:123456789012:project/proj_abc',
  tags: { owner: 'a' },
  keys: [{ sha256: 'a'.repeat(64) }],
  profiles: {
    'anthropic.claude-sonnet-4-6':
      'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/p1',
  },
  ...overrides,
})

const spec = (model: string, overrides: Partial<ModelRouteSpec> = {}): ModelRouteSpec => ({
  projectRef: { name: 'support' },
  model,
  backends: [{ kind: 'converse', modelId: 'anthropic.claude-sonnet-4-6', weight: 1, priority: 0 }],
  strict: false,
  ...overrides,
})

const route = (
  name: string,
  model: string,
  created: string,
  overrides: Partial<ModelRouteSpec> = {},
): RouteInput => ({
  namespace: 'apps',
  name,
  creationTimestamp: created,
  spec: spec(model, overrides),
})

describe('compileTable', () => {
  it('binds routes to their project, with the inference profile on Converse backends and the project region by default', () => {
    const { projects, outcomes } = compileTable(
      [project()],
      [route('chat', 'support-chat', '2026-01-01T00:00:00Z')],
    )
    expect(projects[0]?.routes).toEqual([
      {
        name: 'chat',
        namespace: 'apps',
        model: 'support-chat',
        backends: [
          {
            kind: 'converse',
            modelId: 'anthropic.claude-sonnet-4-6',
            region: 'us-east-1',
            weight: 1,
            priority: 0,
            profileArn: 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/p1',
          },
        ],
      },
    ])
    expect(outcomes.get('apps/chat')).toMatchObject({
      accepted: { status: true },
      resolvedRefs: { status: true },
    })
  })

  it('leaves a project whose Bedrock project vanished out of the table, and its routes unresolved', () => {
    const unavailable = { reason: 'ProjectMissing', message: 'proj_abc no longer exists' }
    const { projects, outcomes } = compileTable(
      [project({ unavailable }), project({ name: 'other', projectId: 'proj_other' })],
      [
        route('chat', 'support-chat', '2026-01-01T00:00:00Z'),
        {
          ...route('other-chat', 'support-chat', '2026-01-01T00:00:00Z'),
          spec: spec('support-chat', { projectRef: { name: 'other' } }),
        },
      ],
    )
    expect(projects.map((p) => p.projectId)).toEqual(['proj_other'])
    expect(outcomes.get('apps/chat')?.resolvedRefs).toEqual({
      status: false,
      reason: 'ProjectMissing',
      message: 'BedrockProject support: proj_abc no longer exists',
    })
    expect(outcomes.get('apps/other-chat')?.resolvedRefs.status).toBe(true)
  })

  it('gives an alias to the oldest route and refuses the newer one with AliasConflict', () => {
    const { projects, outcomes } = compileTable(
      [project()],
      [
        route('newer', 'gpt-4o', '2026-02-01T00:00:00Z'),
        route('older', 'gpt-4o', '2026-01-01T00:00:00Z'),
      ],
    )
    expect(projects[0]?.routes.map((r) => r.name)).toEqual(['older'])
    expect(outcomes.get('apps/newer')?.accepted).toMatchObject({
      status: false,
      reason: 'AliasConflict',
    })
    expect(outcomes.get('apps/newer')?.accepted.message).toContain('older')
  })

  it.each([
    ['a missing project', [], 'ProjectNotFound'],
    ['a project without a Bedrock id yet', [project({ projectId: undefined })], 'ProjectNotReady'],
  ] as const)('does not resolve a route of %s', (_name, projects, reason) => {
    const { outcomes } = compileTable([...projects], [route('chat', 'm', '2026-01-01T00:00:00Z')])
    expect(outcomes.get('apps/chat')?.resolvedRefs).toMatchObject({ status: false, reason })
  })

  it('refuses a route whose Converse model the region does not offer, and trusts an unknown catalog', () => {
    const catalog = (region: string, modelId: string) =>
      region === 'us-east-1' ? modelId !== 'anthropic.claude-nope' : undefined
    const { projects, outcomes } = compileTable(
      [project()],
      [
        route('bad', 'bad', '2026-01-01T00:00:00Z', {
          backends: [
            { kind: 'converse', modelId: 'anthropic.claude-nope', weight: 1, priority: 0 },
          ],
        }),
        route('elsewhere', 'elsewhere', '2026-01-01T00:00:00Z', {
          backends: [
            { kind: 'converse', modelId: 'x.y', region: 'eu-west-1', weight: 1, priority: 0 },
          ],
        }),
      ],
      catalog,
    )
    expect(outcomes.get('apps/bad')?.resolvedRefs).toMatchObject({
      status: false,
      reason: 'ModelNotFound',
    })
    expect(outcomes.get('apps/bad')?.resolvedRefs.message).toContain('anthropic.claude-nope')
    expect(projects[0]?.routes.map((r) => r.name)).toEqual(['elsewhere'])
  })

  it('keeps the same alias in two projects apart', () => {
    const other = project({
      name: 'billing',
      projectId: 'proj_def',
      keys: [{ sha256: 'b'.repeat(64) }],
    })
    const { projects } = compileTable(
      [project(), other],
      [
        route('a', 'gpt-4o', '2026-01-01T00:00:00Z'),
        route('b', 'gpt-4o', '2026-01-02T00:00:00Z', { projectRef: { name: 'billing' } }),
      ],
    )
    expect(projects.map((p) => [p.name, p.routes.map((r) => r.name)])).toEqual([
      ['billing', ['b']],
      ['support', ['a']],
    ])
  })

  it('produces a document the shared routing-table schema accepts', () => {
    const { projects } = compileTable(
      [project()],
      [
        route('chat', 'chat', '2026-01-01T00:00:00Z', {
          limits: {
            maxOutputTokens: 512,
            timeouts: { firstTokenMs: 5_000, idleMs: 2_000, totalMs: 30_000 },
            retryBudgetPercent: 10,
          },
          sticky: { header: 'x-session-id' },
          shadow: { backend: 'candidate', percent: 5 },
          breaker: { consecutiveFailures: 3, coolDownMs: 1_000 },
        }),
      ],
    )
    const table = {
      apiVersion: 'strata.dev/v1alpha1',
      kind: 'RoutingTable',
      version: 1,
      generatedAt: '2026-11-22T00:00:00Z',
      projects,
    }
    expect(routingTableSchema.safeParse(table).success).toBe(true)
    const compiled = projects[0]?.routes[0]
    expect(compiled?.limits).toEqual({
      maxOutputTokens: 512,
      timeouts: { firstTokenMs: 5_000, idleMs: 2_000, totalMs: 30_000 },
      retryBudgetPercent: 10,
    })
    expect(compiled?.sticky).toEqual({ header: 'x-session-id' })
    expect(compiled?.shadow).toEqual({ backend: 'candidate', percent: 5 })
    expect(compiled?.breaker).toEqual({ consecutiveFailures: 3, coolDownMs: 1_000 })
  })
  it('copies strict mode and the reasoning share into the table, and leaves strict out when false', () => {
    const { projects } = compileTable(
      [project()],
      [
        route('strict', 'strict', '2026-01-01T00:00:00Z', {
          strict: true,
          limits: { maxOutputTokens: 2048, maxReasoningPercent: 25 },
        }),
        route('lenient', 'lenient', '2026-01-01T00:00:00Z'),
      ],
    )
    const [lenient, strict] = projects[0]?.routes ?? []
    expect(strict).toMatchObject({
      strict: true,
      limits: { maxOutputTokens: 2048, maxReasoningPercent: 25 },
    })
    expect(lenient).not.toHaveProperty('strict')
    const table = {
      apiVersion: 'strata.dev/v1alpha1',
      kind: 'RoutingTable',
      version: 1,
      generatedAt: '2026-11-22T00:00:00Z',
      projects,
    }
    expect(routingTableSchema.safeParse(table).success).toBe(true)
  })

  it('copies route and project rate limits and project budgets into the table', () => {
    const { projects } = compileTable(
      [
        project({
          limits: { requestsPerMinute: 600, tokensPerMinute: 90_000, failClosed: true },
          budgets: [
            { period: 'day', tokens: 1_000_000 },
            { period: 'month', usd: 250.5 },
          ],
        }),
      ],
      [
        route('chat', 'chat', '2026-01-01T00:00:00Z', {
          limits: { requestsPerMinute: 60, tokensPerMinute: 10_000, failClosed: false },
        }),
        route('plain', 'plain', '2026-01-01T00:00:00Z'),
      ],
    )
    const table = {
      apiVersion: 'strata.dev/v1alpha1',
      kind: 'RoutingTable',
      version: 1,
      generatedAt: '2026-11-22T00:00:00Z',
      projects,
    }
    expect(routingTableSchema.safeParse(table).success).toBe(true)
    expect(projects[0]?.limits).toEqual({
      requestsPerMinute: 600,
      tokensPerMinute: 90_000,
      failClosed: true,
    })
    expect(projects[0]?.budgets).toEqual([
      { period: 'day', tokens: 1_000_000 },
      { period: 'month', usd: 250.5 },
    ])
    const byName = new Map(projects[0]?.routes.map((r) => [r.name, r]))
    expect(byName.get('chat')?.limits).toEqual({
      requestsPerMinute: 60,
      tokensPerMinute: 10_000,
      failClosed: false,
    })
    expect(byName.get('plain')?.limits).toBeUndefined()
  })
})
