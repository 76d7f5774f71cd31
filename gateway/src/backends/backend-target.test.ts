import { routeBackendSchema } from '@strata/crds'
import { describe, expect, it } from 'vitest'
import { backendTarget } from './backend-target.ts'

const profileArn =
  'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123def456'

describe('backend target', () => {
  it('sends Converse calls through the application inference profile', () => {
    const backend = routeBackendSchema.parse({
      kind: 'converse',
      modelId: 'us.anthropic.claude-sonnet-4-6',
      region: 'us-east-1',
      profileArn,
    })
    expect(backendTarget(backend, 'proj_abc')).toEqual({
      kind: 'converse',
      modelId: profileArn,
      region: 'us-east-1',
      projectId: 'proj_abc',
    })
  })

  it('uses the model id when there is no profile, and always for Mantle, with the project', () => {
    const converse = routeBackendSchema.parse({
      kind: 'converse',
      modelId: 'amazon.nova-lite-v1:0',
      region: 'eu-west-1',
    })
    expect(backendTarget(converse, 'default').modelId).toBe('amazon.nova-lite-v1:0')
    const mantle = routeBackendSchema.parse({
      kind: 'mantle',
      modelId: 'openai.gpt-oss-120b',
      region: 'us-west-2',
      profileArn,
    })
    expect(backendTarget(mantle, 'proj_abc')).toEqual({
      kind: 'mantle',
      modelId: 'openai.gpt-oss-120b',
      region: 'us-west-2',
      projectId: 'proj_abc',
    })
  })
})
