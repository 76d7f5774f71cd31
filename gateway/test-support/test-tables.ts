// Routing tables for tests across the gateway, built through the real schema so defaults apply.
import { routingTableSchema, type RoutingTable, type RoutingTableInput } from '@strata/crds'
import { sha256Hex } from '../src/routing/key-lookup.ts'

export const TEST_KEY = 'sk-test-support-key'
export const TEST_OLD_KEY = 'sk-test-rotated-out-key'
export const OTHER_PROJECT_KEY = 'sk-test-billing-key'

export function testTableInput(): RoutingTableInput {
  return {
    apiVersion: 'strata.dev/v1alpha1',
    kind: 'RoutingTable',
    version: 1,
    generatedAt: '2026-05-01T10:00:00Z',
    projects: [
      {
        name: 'support',
        namespace: 'team-a',
        projectId: 'proj_support',
        keys: [
          { sha256: sha256Hex(TEST_KEY) },
          { sha256: sha256Hex(TEST_OLD_KEY), notAfter: '2026-05-02T00:00:00Z' },
        ],
        routes: [
          {
            name: 'claude',
            namespace: 'team-a',
            model: 'claude',
            backends: [
              { kind: 'converse', modelId: 'us.anthropic.claude-sonnet-4-6', region: 'us-east-1' },
            ],
          },
          {
            name: 'gpt',
            namespace: 'team-a',
            model: 'gpt-4o',
            backends: [{ kind: 'mantle', modelId: 'openai.gpt-oss-120b', region: 'us-west-2' }],
          },
        ],
      },
      {
        name: 'billing',
        namespace: 'team-b',
        projectId: 'proj_billing',
        keys: [{ sha256: sha256Hex(OTHER_PROJECT_KEY) }],
        routes: [
          {
            name: 'nova',
            namespace: 'team-b',
            model: 'nova',
            backends: [{ kind: 'converse', modelId: 'amazon.nova-lite-v1:0', region: 'us-east-1' }],
          },
        ],
      },
    ],
  }
}

export function testTable(): RoutingTable {
  return routingTableSchema.parse(testTableInput())
}

type RouteInput = RoutingTableInput['projects'][number]['routes'][number]

/** The test table with its first route, `claude`, changed: its backends, shadow or limits. */
export function testTableWithClaudeRoute(route: Partial<RouteInput>): RoutingTable {
  const input = testTableInput()
  const claude = input.projects[0]?.routes[0]
  if (claude === undefined) throw new Error('fixture has a route')
  Object.assign(claude, route)
  return routingTableSchema.parse(input)
}
