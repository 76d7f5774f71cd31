import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { kubernetes } from './kubernetes-extensions.ts'
import { schemaNodes, toStructuralSchema } from './structural-schema.ts'

describe('toStructuralSchema', () => {
  it('keeps bounds, enums, defaults and descriptions, and drops what Kubernetes forbids', () => {
    const schema = z
      .strictObject({
        count: z.int().min(0).default(3).describe('How many.'),
        mode: z.enum(['a', 'b']).optional(),
        when: z.iso.datetime(),
      })
      .describe('A thing.')
    expect(toStructuralSchema(schema)).toEqual({
      description: 'A thing.',
      type: 'object',
      required: ['when'],
      properties: {
        count: { default: 3, description: 'How many.', minimum: 0, type: 'integer' },
        mode: { enum: ['a', 'b'], type: 'string' },
        when: { format: 'date-time', type: 'string' },
      },
    })
  })

  it('turns records into additionalProperties and carries Kubernetes extensions', () => {
    const schema = z.strictObject({
      labels: kubernetes(z.record(z.string(), z.string().max(8)), {
        maxProperties: 4,
        validations: [{ rule: "'app' in self", message: 'needs app' }],
      }),
      items: kubernetes(z.array(z.strictObject({ key: z.string().max(4) })).max(2), {
        listType: 'map',
        listMapKeys: ['key'],
      }),
    })
    const result = toStructuralSchema(schema)
    expect(result['properties']).toEqual({
      items: {
        items: {
          properties: { key: { maxLength: 4, type: 'string' } },
          required: ['key'],
          type: 'object',
        },
        maxItems: 2,
        type: 'array',
        'x-kubernetes-list-map-keys': ['key'],
        'x-kubernetes-list-type': 'map',
      },
      labels: {
        additionalProperties: { maxLength: 8, type: 'string' },
        maxProperties: 4,
        type: 'object',
        'x-kubernetes-validations': [{ rule: "'app' in self", message: 'needs app' }],
      },
    })
  })

  it('refuses unions rather than dropping them', () => {
    const schema = z.strictObject({ value: z.union([z.string(), z.number()]) })
    expect(() => toStructuralSchema(schema)).toThrow('/properties/value: "anyOf" is not allowed')
  })

  it('refuses a node without a type', () => {
    expect(() => toStructuralSchema(z.strictObject({ anything: z.unknown() }))).toThrow(
      '/properties/anything: every node needs a type',
    )
  })

  it('walks every node with its path', () => {
    const schema = toStructuralSchema(
      z.strictObject({ list: z.array(z.string()), map: z.record(z.string(), z.int()) }),
    )
    expect([...schemaNodes(schema)].map(([path]) => path)).toEqual([
      '/',
      '/properties/list',
      '/properties/list/items',
      '/properties/map',
      '/properties/map/additionalProperties',
    ])
  })
})
