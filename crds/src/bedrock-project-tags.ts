// Tags of a BedrockProject: the cost attribution that every Bedrock call inherits. Limits follow
// AWS tagging rules: https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html
import { z } from 'zod'
import { kubernetes } from './kubernetes-extensions.ts'

/** Tags every project must carry, so every dollar can be attributed. */
export const REQUIRED_TAG_KEYS = [
  'owner',
  'cost_center',
  'environment',
  'data_classification',
] as const

const MAX_TAGS = 50
// AWS allows letters, digits and white space in any script, and + - = . _ : / @.
const tagKeyPattern = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u
const tagValuePattern = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u

/** Keys the operator sets itself (the owner marker, a profile's model); users may not. */
export const RESERVED_TAG_PREFIX = 'strata.dev/'

const TAG_KEY_MESSAGE = `tag keys must be 1-128 characters of letters, digits, spaces and + - = . _ : / @, and must not start with aws: or ${RESERVED_TAG_PREFIX}`

// A record's key schema would report only "Invalid key in record"; checking keys in the
// refinement lets zod and the CEL rule say the same thing.
function isValidTagKey(key: string): boolean {
  return (
    key.length <= 128 &&
    !key.startsWith('aws:') &&
    !key.startsWith(RESERVED_TAG_PREFIX) &&
    tagKeyPattern.test(key)
  )
}

const tagValueSchema = z
  .string()
  .max(256)
  .regex(tagValuePattern, 'may hold letters, digits, spaces and + - = . _ : / @')

// A value of only spaces attributes cost to nobody, so it counts as missing; CEL's trim() and
// JavaScript's both strip Unicode white space. CEL's join() has no cost bound on the apiserver, so
// the message concatenates one optional ", key" per missing tag and drops the leading separator.
const tagPresent = (key: string): string => `'${key}' in self && self['${key}'].trim() != ''`
const isPresent = (value: string | undefined): boolean => value !== undefined && value.trim() !== ''
const missingTagsMessage = `'missing required tags: ' + (${REQUIRED_TAG_KEYS.map(
  (key) => `(${tagPresent(key)} ? '' : ', ${key}')`,
).join(' + ')}).substring(2)`

export const tagsSchema = kubernetes(z.record(z.string(), tagValueSchema), {
  maxProperties: MAX_TAGS,
  validations: [
    {
      rule: REQUIRED_TAG_KEYS.map(tagPresent).join(' && '),
      messageExpression: missingTagsMessage,
      reason: 'FieldValueRequired',
    },
    {
      rule: `self.all(k, size(k) <= 128 && !k.startsWith('aws:') && !k.startsWith('${RESERVED_TAG_PREFIX}') && k.matches(r'${tagKeyPattern.source}'))`,
      message: TAG_KEY_MESSAGE,
    },
  ],
})
  .superRefine((tags, context) => {
    if (Object.keys(tags).length > MAX_TAGS)
      context.addIssue({ code: 'custom', message: `at most ${MAX_TAGS} tags` })
    for (const key of Object.keys(tags))
      if (!isValidTagKey(key))
        context.addIssue({ code: 'custom', message: TAG_KEY_MESSAGE, path: [key] })
    const missing = REQUIRED_TAG_KEYS.filter((key) => !isPresent(tags[key]))
    if (missing.length > 0)
      context.addIssue({ code: 'custom', message: `missing required tags: ${missing.join(', ')}` })
  })
  .describe(
    `Cost-attribution tags of the Bedrock project, synced to AWS. Must include ${REQUIRED_TAG_KEYS.join(', ')} with values that are not blank; at most ${MAX_TAGS} tags. Keys are 1-128 characters, values up to 256; keys starting with aws: (AWS) or ${RESERVED_TAG_PREFIX} (the operator) are reserved.`,
  )

export type Tags = z.infer<typeof tagsSchema>
