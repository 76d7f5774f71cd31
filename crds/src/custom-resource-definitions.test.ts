import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { z } from 'zod'
import {
  GENERATED_HEADER,
  customResourceDefinition,
  kindDefinitions,
  renderCustomResourceDefinitions,
} from './custom-resource-definitions.ts'
import { schemaNodes, type StructuralSchema } from './structural-schema.ts'

const generatedDir = join(import.meta.dirname, '..', 'generated')

// Only the fields the assertions read; zod checks the parsed YAML has them.
const crdShape = z.object({
  metadata: z.object({ name: z.string() }),
  spec: z.object({
    names: z.object({ shortNames: z.array(z.string()), categories: z.array(z.string()) }),
    scope: z.string(),
    versions: z.array(
      z.object({
        name: z.string(),
        subresources: z.object({ status: z.object({}) }),
        additionalPrinterColumns: z.array(z.object({ name: z.string(), jsonPath: z.string() })),
        schema: z.object({ openAPIV3Schema: z.record(z.string(), z.unknown()) }),
      }),
    ),
  }),
})

function crdOf(kind: string): z.infer<typeof crdShape> {
  const definition = kindDefinitions.find((candidate) => candidate.kind === kind)
  if (!definition) throw new Error(`no definition for ${kind}`)
  return crdShape.parse(customResourceDefinition(definition))
}

function schemaOf(kind: string): StructuralSchema {
  const version = crdOf(kind).spec.versions[0]
  if (!version) throw new Error(`${kind} has no version`)
  return version.schema.openAPIV3Schema
}

function nodeAt(schema: StructuralSchema, path: string): StructuralSchema | undefined {
  return [...schemaNodes(schema)].find(([candidate]) => candidate === path)?.[1]
}

describe('generated CRDs', () => {
  it('match the committed files byte for byte (run `npm run generate -w crds` after a schema change)', () => {
    for (const { fileName, content } of renderCustomResourceDefinitions()) {
      expect(content.startsWith(GENERATED_HEADER)).toBe(true)
      expect(readFileSync(join(generatedDir, fileName), 'utf8')).toBe(content)
    }
  })

  it('render the same bytes twice', () => {
    expect(renderCustomResourceDefinitions()).toEqual(renderCustomResourceDefinitions())
  })

  it.each(['BedrockProject', 'ModelRoute'])('%s has a structural schema', (kind) => {
    for (const [path, node] of schemaNodes(schemaOf(kind))) {
      expect(typeof node['type'], path).toBe('string')
      expect(
        Object.keys(node).filter((key) => key.startsWith('$')),
        path,
      ).toEqual([])
      expect(
        node['additionalProperties'] === false ||
          ('additionalProperties' in node && 'properties' in node),
        path,
      ).toBe(false)
      expect(
        ['anyOf', 'oneOf', 'allOf', 'not'].filter((key) => key in node),
        path,
      ).toEqual([])
    }
    // The walk reaches every node, so also check nothing hides in a place it does not visit.
    expect(JSON.stringify(schemaOf(kind))).not.toContain('$ref')
  })

  it.each(['BedrockProject', 'ModelRoute'])(
    '%s describes every spec field for kubectl explain',
    (kind) => {
      for (const [path, node] of schemaNodes(schemaOf(kind))) {
        const isListItem = path.endsWith('/items') || path.endsWith('/additionalProperties')
        if (path.startsWith('/properties/spec') && !isListItem)
          expect(node['description'], path).toEqual(expect.any(String))
      }
    },
  )

  it('bounds every string, list and map so CEL rules stay within the cost budget', () => {
    for (const kind of ['BedrockProject', 'ModelRoute'])
      for (const [path, node] of schemaNodes(schemaOf(kind))) {
        if (!path.startsWith('/properties/spec') && !path.startsWith('/properties/status')) continue
        if (node['type'] === 'string' && !node['enum'] && node['format'] !== 'date-time')
          expect(node['maxLength'], `${kind} ${path}`).toEqual(expect.any(Number))
        if (node['type'] === 'array')
          expect(node['maxItems'], `${kind} ${path}`).toEqual(expect.any(Number))
        if (node['additionalProperties'])
          expect(node['maxProperties'], `${kind} ${path}`).toEqual(expect.any(Number))
      }
  })

  it('key conditions by type so server-side apply merges them', () => {
    for (const kind of ['BedrockProject', 'ModelRoute'])
      expect(nodeAt(schemaOf(kind), '/properties/status/properties/conditions')).toMatchObject({
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['type'],
      })
  })

  it('carry the CEL rules', () => {
    const project = schemaOf('BedrockProject')
    expect(
      nodeAt(project, '/properties/spec/properties/name')?.['x-kubernetes-validations'],
    ).toEqual([
      {
        rule: 'self == oldSelf',
        message: 'name is immutable: create a new BedrockProject instead',
      },
    ])
    expect(JSON.stringify(nodeAt(project, '/properties/spec/properties/tags'))).toContain(
      'missing required tags: ',
    )
    const backends = nodeAt(schemaOf('ModelRoute'), '/properties/spec/properties/backends')
    expect(backends?.['x-kubernetes-validations']).toHaveLength(2)
  })

  it('name the kinds, short names, category, status subresource and printer columns', () => {
    const project = crdOf('BedrockProject')
    expect(project.metadata.name).toBe('bedrockprojects.strata.dev')
    expect(project.spec.names).toMatchObject({ shortNames: ['bp'], categories: ['strata'] })
    expect(project.spec.scope).toBe('Namespaced')
    expect(project.spec.versions[0]?.additionalPrinterColumns.map((column) => column.name)).toEqual(
      ['Ready', 'Project ID', 'Region', 'Age'],
    )
    const route = crdOf('ModelRoute')
    expect(route.spec.names).toMatchObject({ shortNames: ['mr'], categories: ['strata'] })
    expect(route.spec.versions[0]?.additionalPrinterColumns).toEqual([
      expect.objectContaining({
        name: 'Ready',
        jsonPath: '.status.conditions[?(@.type=="Ready")].status',
      }),
      expect.objectContaining({ name: 'Model', jsonPath: '.spec.model' }),
      expect.objectContaining({ name: 'Project', jsonPath: '.spec.projectRef.name' }),
      expect.objectContaining({ name: 'Backends', jsonPath: '.status.backends' }),
      expect.objectContaining({ name: 'Rollout', jsonPath: '.status.rollout.phase' }),
      expect.objectContaining({ name: 'Step', jsonPath: '.status.rollout.step' }),
      expect.objectContaining({ name: 'Weight', jsonPath: '.status.rollout.weight' }),
      expect.objectContaining({ name: 'Age', jsonPath: '.metadata.creationTimestamp' }),
    ])
  })

  it('parse back from YAML to the same object', () => {
    const [first] = renderCustomResourceDefinitions()
    const definition = kindDefinitions[0]
    if (!first || !definition) throw new Error('nothing rendered')
    expect(parse(first.content)).toEqual(customResourceDefinition(definition))
  })
})
