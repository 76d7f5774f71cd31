import { describe, expect, it } from 'vitest'
import {
  bedrockProjectSchema,
  bedrockProjectSpecSchema,
  bedrockProjectStatusSchema,
  type BedrockProjectSpecInput,
} from './bedrock-project.ts'

function validSpec(): BedrockProjectSpecInput {
  return {
    name: 'Support Bot_2',
    region: 'us-east-1',
    tags: {
      owner: 'team-a',
      cost_center: 'cc-1234',
      environment: 'prod',
      data_classification: 'internal',
    },
  }
}

function issuesOf(spec: unknown): string[] {
  const result = bedrockProjectSpecSchema.safeParse(spec)
  return result.success
    ? []
    : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
}

describe('BedrockProject spec', () => {
  it('accepts a minimal spec and defaults deletionPolicy to Archive', () => {
    const parsed = bedrockProjectSpecSchema.parse(validSpec())
    expect(parsed.deletionPolicy).toBe('Archive')
  })

  it('accepts access lists, Retain, and tag values in any script', () => {
    const spec = {
      ...validSpec(),
      deletionPolicy: 'Retain',
      tags: { ...validSpec().tags, 'team:lead': 'Zoë Müller', empty: '' },
      access: {
        serviceAccounts: [{ namespace: 'apps', name: 'chat-bot' }],
        namespaces: ['apps', 'batch'],
      },
    }
    expect(issuesOf(spec)).toEqual([])
  })

  it.each(['owner', 'cost_center', 'environment', 'data_classification'])(
    'names the missing required tag %s',
    (key) => {
      const tags = Object.fromEntries(
        Object.entries(validSpec().tags).filter(([candidate]) => candidate !== key),
      )
      expect(issuesOf({ ...validSpec(), tags })).toEqual([`tags: missing required tags: ${key}`])
    },
  )

  it('lists every missing tag in one message and treats an empty value as missing', () => {
    expect(issuesOf({ ...validSpec(), tags: { owner: 'team-a', environment: '' } })).toEqual([
      'tags: missing required tags: cost_center, environment, data_classification',
    ])
  })

  it('treats a value of only white space as missing', () => {
    const tags = { ...validSpec().tags, owner: '   ', cost_center: '\u00a0' }
    expect(issuesOf({ ...validSpec(), tags })).toEqual([
      'tags: missing required tags: owner, cost_center',
    ])
  })

  it.each([
    ['an empty name', { name: '' }, 'name: Too small'],
    ['a 65-character name', { name: 'a'.repeat(65) }, 'name: Too big'],
    ['two separators in a row', { name: 'support__bot' }, 'name: must be 1-64 letters or digits'],
    ['a leading separator', { name: '-support' }, 'name: must be 1-64 letters or digits'],
    ['a region that is no region', { region: 'mars' }, 'region: must be an AWS region'],
    ['an unknown deletion policy', { deletionPolicy: 'Delete' }, 'deletionPolicy: Invalid option'],
    ['an unknown field', { quota: 'x' }, ': Unrecognized key: "quota"'],
  ])('rejects %s', (_what, change, expected) => {
    expect(issuesOf({ ...validSpec(), ...change }).join('\n')).toContain(expected)
  })

  it.each([
    ['a reserved aws: key', { 'aws:created': 'x' }, 'tags.aws:created: tag keys must be 1-128'],
    [
      "the operator's owner marker",
      { 'strata.dev/owner': 'x' },
      'tags.strata.dev/owner: tag keys must be 1-128',
    ],
    ['a key with forbidden characters', { 'bad!': 'x' }, 'tags.bad!: tag keys must be 1-128'],
    ['an empty key', { '': 'x' }, 'tags.: tag keys must be 1-128'],
    ['a 129-character key', { ['k'.repeat(129)]: 'x' }, 'tag keys must be 1-128'],
    ['a 257-character value', { note: 'v'.repeat(257) }, 'Too big'],
  ])('rejects %s', (_what, extra, expected) => {
    const tags = { ...validSpec().tags, ...extra }
    expect(issuesOf({ ...validSpec(), tags }).join('\n')).toContain(expected)
  })

  it('rejects more than 50 tags', () => {
    const extra = Object.fromEntries(Array.from({ length: 46 }, (_, i) => [`extra-${i}`, 'x']))
    expect(issuesOf({ ...validSpec(), tags: { ...validSpec().tags, ...extra } })).toEqual([])
    expect(
      issuesOf({ ...validSpec(), tags: { ...validSpec().tags, ...extra, one: 'more' } }),
    ).toEqual(['tags: at most 50 tags'])
  })

  it('rejects duplicate ServiceAccounts and namespaces like the apiserver list types do', () => {
    const account = { namespace: 'apps', name: 'bot' }
    const spec = {
      ...validSpec(),
      access: { serviceAccounts: [account, account], namespaces: ['a', 'a'] },
    }
    expect(issuesOf(spec)).toEqual([
      'access.serviceAccounts.1: duplicate ServiceAccount apps/bot',
      'access.namespaces.1: duplicate namespace a',
    ])
  })
})

describe('BedrockProject status and object', () => {
  it('parses an object as the apiserver returns it', () => {
    const object = {
      apiVersion: 'strata.dev/v1alpha1',
      kind: 'BedrockProject',
      metadata: { name: 'support', namespace: 'team-a', generation: 2, uid: 'u-1', extra: {} },
      spec: validSpec(),
      status: {
        projectId: 'proj_abc123',
        projectArn: 'arn:aws:bedrock-mantle:us-east-1:123456789012:project/proj_abc123',
        inferenceProfiles: [{ modelId: 'anthropic.claude', arn: 'arn:aws:bedrock:x' }],
        credentialsSecret: 'support-openai',
        observedGeneration: 2,
        routingTableVersion: '17',
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'Reconciled',
            message: '',
            lastTransitionTime: '2026-05-01T10:00:00Z',
            observedGeneration: 2,
          },
        ],
      },
    }
    expect(bedrockProjectSchema.safeParse(object).error).toBeUndefined()
  })

  it('rejects a second profile for the same model', () => {
    const profile = { modelId: 'm', arn: 'arn:aws:bedrock:x' }
    const result = bedrockProjectStatusSchema.safeParse({ inferenceProfiles: [profile, profile] })
    expect(result.error?.issues[0]?.message).toBe('duplicate modelId m')
  })
})
