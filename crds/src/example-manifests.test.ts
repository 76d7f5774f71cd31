// The manifests under examples/ are what the README tells people to apply: they must stay valid.
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseAllDocuments } from 'yaml'
import { bedrockProjectSchema } from './bedrock-project.ts'
import { modelRouteSchema } from './model-route.ts'

const dir = join(import.meta.dirname, '..', '..', 'examples', 'manifests')
const documents = readdirSync(dir)
  .filter((file) => file.endsWith('.yaml'))
  .flatMap((file) =>
    parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((doc, index) => ({
      name: `${file}#${String(index)}`,
      value: doc.toJS() as { kind?: string },
    })),
  )

describe('example manifests', () => {
  it('exist', () => {
    expect(documents.length).toBeGreaterThan(0)
  })

  it.each(documents)('$name is valid', ({ value }) => {
    const schema = value.kind === 'BedrockProject' ? bedrockProjectSchema : modelRouteSchema
    const parsed = schema.safeParse(value)
    expect(parsed.success ? 'valid' : parsed.error.message).toBe('valid')
  })
})
