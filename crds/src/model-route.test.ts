import { describe, expect, it } from 'vitest'
import {
  modelRouteSchema,
  modelRouteSpecSchema,
  modelRouteStatusSchema,
  type ModelRouteSpecInput,
} from './model-route.ts'

function validSpec(): ModelRouteSpecInput {
  return {
    projectRef: { name: 'support' },
    model: 'gpt-4o',
    backends: [
      { name: 'claude', kind: 'converse', modelId: 'us.anthropic.claude-sonnet-4-6' },
      {
        name: 'oss',
        kind: 'mantle',
        modelId: 'openai.gpt-oss-120b',
        region: 'us-west-2',
        weight: 0,
        priority: 1,
        family: 'openai.gpt-oss',
      },
    ],
  }
}

function issuesOf(spec: unknown): string[] {
  const result = modelRouteSpecSchema.safeParse(spec)
  return result.success
    ? []
    : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
}

function backend(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { kind: 'converse', modelId: 'anthropic.claude-3-haiku-20240307-v1:0', ...overrides }
}

describe('ModelRoute spec', () => {
  it('accepts a spec and fills in weight, priority and strict', () => {
    const parsed = modelRouteSpecSchema.parse(validSpec())
    expect(parsed.backends[0]).toMatchObject({ weight: 1, priority: 0 })
    expect(parsed.strict).toBe(false)
  })

  it('accepts full limits, defaults, an ARN model id and aliases with punctuation', () => {
    const spec = {
      ...validSpec(),
      model: 'ft:gpt-4o-mini:acme/support@v2',
      backends: [
        backend({
          modelId:
            'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6',
        }),
      ],
      limits: {
        maxOutputTokens: 4096,
        maxReasoningPercent: 60,
        timeouts: { connectMs: 2000, firstTokenMs: 30_000, idleMs: 15_000, totalMs: 120_000 },
        retryBudgetPercent: 20,
        tokensPerMinute: 200_000,
        requestsPerMinute: 600,
      },
      defaults: { reasoningEffort: 'xhigh', temperature: 0.7 },
      strict: true,
    }
    expect(issuesOf(spec)).toEqual([])
  })

  it.each([
    [
      'all-zero weights',
      { backends: [backend({ weight: 0 }), backend({ weight: 0 })] },
      ['backends: at least one backend needs a weight above 0'],
    ],
    [
      'duplicate backend names',
      { backends: [backend({ name: 'a' }), backend({ name: 'a' })] },
      ['backends.1.name: backend names must be unique'],
    ],
    ['no backends', { backends: [] }, ['backends: Too small: expected array to have >=1 items']],
    [
      '17 backends',
      { backends: Array.from({ length: 17 }, () => backend()) },
      ['backends: Too big: expected array to have <=16 items'],
    ],
    [
      'an unknown backend kind',
      { backends: [backend({ kind: 'invoke' })] },
      ['backends.0.kind: Invalid option: expected one of "converse"|"mantle"'],
    ],
    [
      'a weight above 1000',
      { backends: [backend({ weight: 1001 })] },
      ['backends.0.weight: Too big: expected number to be <=1000'],
    ],
    [
      'a priority above 16',
      { backends: [backend({ priority: 17 })] },
      ['backends.0.priority: Too big: expected number to be <=16'],
    ],
    [
      'a fractional weight',
      { backends: [backend({ weight: 1.5 })] },
      ['backends.0.weight: Invalid input: expected int, received number'],
    ],
    [
      'a model id with spaces',
      { backends: [backend({ modelId: 'claude 3' })] },
      ['backends.0.modelId: must be a Bedrock model id or ARN'],
    ],
    [
      'an alias with spaces',
      { model: 'gpt 4o' },
      ['model: must start with a letter or digit and hold only letters, digits and . _ : / @ + -'],
    ],
    [
      'a reasoning share above 100 percent',
      { limits: { maxReasoningPercent: 101 } },
      ['limits.maxReasoningPercent: Too big: expected number to be <=100'],
    ],
    [
      'a temperature above 1',
      { defaults: { temperature: 1.2 } },
      ['defaults.temperature: Too big: expected number to be <=1'],
    ],
    [
      'an unknown reasoning effort',
      { defaults: { reasoningEffort: 'max' } },
      [
        'defaults.reasoningEffort: Invalid option: expected one of "none"|"minimal"|"low"|"medium"|"high"|"xhigh"',
      ],
    ],
    [
      'a first-token timeout beyond the total',
      { limits: { timeouts: { firstTokenMs: 5000, totalMs: 1000 } } },
      ['limits.timeouts.firstTokenMs: firstTokenMs must not exceed totalMs'],
    ],
    [
      'a connect timeout beyond the total',
      { limits: { timeouts: { connectMs: 5000, totalMs: 1000 } } },
      ['limits.timeouts.connectMs: connectMs must not exceed totalMs'],
    ],
    [
      'a retry budget above 100%',
      { limits: { retryBudgetPercent: 101 } },
      ['limits.retryBudgetPercent: Too big: expected number to be <=100'],
    ],
    [
      'a zero token rate',
      { limits: { tokensPerMinute: 0 } },
      ['limits.tokensPerMinute: Too small: expected number to be >=1'],
    ],
    [
      'a projectRef with a namespace',
      { projectRef: { name: 'p', namespace: 'other' } },
      ['projectRef: Unrecognized key: "namespace"'],
    ],
  ])('rejects %s', (_what, change, expected) => {
    expect(issuesOf({ ...validSpec(), ...change })).toEqual(expected)
  })
})

describe('ModelRoute status and object', () => {
  it('parses an object with status', () => {
    const route = {
      apiVersion: 'strata.dev/v1alpha1',
      kind: 'ModelRoute',
      metadata: { name: 'chat', namespace: 'team-a' },
      spec: validSpec(),
      status: {
        observedGeneration: 3,
        routingTableVersion: '42',
        conditions: [
          {
            type: 'Accepted',
            status: 'False',
            reason: 'AliasConflict',
            message: 'gpt-4o is served by team-a/older',
            lastTransitionTime: '2026-05-01T10:00:00.123+02:00',
          },
        ],
      },
    }
    expect(modelRouteSchema.safeParse(route).error).toBeUndefined()
  })

  it('rejects two conditions of one type', () => {
    const condition = {
      type: 'Ready',
      status: 'True',
      reason: 'Served',
      message: '',
      lastTransitionTime: '2026-05-01T10:00:00Z',
    }
    const result = modelRouteStatusSchema.safeParse({ conditions: [condition, condition] })
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([
      'duplicate condition type Ready',
    ])
  })
})
